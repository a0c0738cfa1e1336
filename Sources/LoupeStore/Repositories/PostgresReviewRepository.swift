import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// The review queue in `items` (queue_state, lease_*) with every transition logged to `item_events`
/// in the same statement. Claims follow River/Oban: one `FOR UPDATE SKIP LOCKED` pick, then UPDATE … RETURNING.
public struct PostgresReviewRepository: ReviewRepository {
    let client: GatedPool
    /// Lists and history may come from the read replica.
    let reads: ReadPool
    let logger: Logger

    static let itemColumns = PostgresItemRepository.columns("i")
    static let taskColumns = PostgresTaskRepository.columns("t", prefix: "t_")

    public func claim(actor: String, task: String?, scope: [String]?, leaseSeconds: Int?, disputed: Bool, now: Date) async throws -> ClaimedItem? {
        if disputed {
            return try await first(ClaimStatement<DisputedClaim>(actor: actor, scope: scope, now: now, leaseSeconds: leaseSeconds, task: task))
        }
        let roll = Double.random(in: 0..<1)
        if try await mayServeGold(roll: roll),
           let gold = try await claimGold(actor: actor, task: task, scope: scope, leaseSeconds: leaseSeconds, roll: roll, now: now) {
            return gold
        }
        if task != nil {
            return try await first(ClaimStatement<OneTaskClaim>(actor: actor, scope: scope, now: now, leaseSeconds: leaseSeconds, task: task))
        }
        return try await first(ClaimStatement<AnyTaskClaim>(actor: actor, scope: scope, now: now, leaseSeconds: leaseSeconds, task: nil))
    }

    func first<Filter>(_ statement: ClaimStatement<Filter>) async throws -> ClaimedItem? {
        for try await claimed in try await client.execute(statement, logger: logger) { return claimed }
        return nil
    }

    public func leases(actor: String, now: Date) async throws -> [ClaimedItem] {
        var result: [ClaimedItem] = []
        let rows = try await client.query("""
            SELECT \(unescaped: Self.itemColumns), \(unescaped: Self.taskColumns)
            FROM items i JOIN tasks t ON t.name = i.task
            WHERE i.queue_state = 'leased' AND i.lease_holder = \(actor)
            ORDER BY i.claimed_at
            """, logger: logger)
        for try await row in rows { result.append(try Self.decodeClaim(row)) }
        return result
    }

    public func extendLease(id: UUID, actor: String, now: Date) async throws -> Date {
        let rows = try await client.query("""
            WITH extended AS (
                UPDATE items i SET lease_expires_at = \(now)::timestamptz + make_interval(secs => t.lease_seconds),
                       queue_state = 'leased', updated_at = \(now),
                       status = CASE WHEN i.status = 'pending' THEN 'in_review' ELSE i.status END
                FROM tasks t
                WHERE i.id = \(id) AND t.name = i.task AND i.lease_holder = \(actor) AND i.queue_state IN ('leased', 'waiting')
                RETURNING i.id, i.lease_expires_at
            ), event AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'lease_extended', \(actor), \(now), jsonb_build_object('lease_expires_at', lease_expires_at) FROM extended
            )
            SELECT lease_expires_at FROM extended
            """, logger: logger)
        for try await expires in rows.decode(Date.self) { return expires }
        throw try await conflict(id: id, actor: actor, doing: "extend the lease on")
    }

    public func release(id: UUID, actor: String, now: Date) async throws {
        let rows = try await client.query("""
            WITH released AS (
                UPDATE items SET queue_state = 'waiting', lease_holder = NULL, lease_expires_at = NULL, updated_at = \(now),
                       status = CASE WHEN status = 'in_review' THEN 'pending' ELSE status END
                WHERE id = \(id) AND lease_holder = \(actor) AND queue_state IN ('leased', 'waiting')
                RETURNING id, claimed_at
            ), event AS (
                INSERT INTO item_events (item_id, event, actor, at, duration_ms)
                SELECT id, 'released', \(actor), \(now), (extract(epoch FROM (\(now)::timestamptz - claimed_at)) * 1000)::bigint FROM released
            )
            SELECT id FROM released
            """, logger: logger)
        for try await _ in rows { return }
        throw try await conflict(id: id, actor: actor, doing: "release")
    }

    public func decide(id: UUID, actor: String, decision: HumanDecision, now: Date) async throws -> ItemRecord {
        let statement = DecisionStatement(id: id, actor: actor, decision: decision, decidedBy: actor, now: now)
        for try await item in try await client.execute(statement, logger: logger) { return item }
        throw try await conflict(id: id, actor: actor, doing: "decide")
    }

    public func expireLeases(now: Date) async throws -> Int {
        // The holder is kept: if nobody else claims the item meanwhile, their late decision still counts.
        let rows = try await client.query("""
            WITH expired AS (
                UPDATE items SET queue_state = 'waiting', updated_at = \(now),
                       status = CASE WHEN status = 'in_review' THEN 'pending' ELSE status END
                WHERE id IN (SELECT id FROM items WHERE queue_state = 'leased' AND lease_expires_at < \(now)
                             ORDER BY lease_expires_at LIMIT 1000 FOR UPDATE SKIP LOCKED)
                RETURNING id, lease_holder, lease_expires_at
            ), event AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'expired', 'system:lease-rescuer', \(now),
                       jsonb_build_object('holder', lease_holder, 'lease_expires_at', lease_expires_at) FROM expired
            )
            SELECT count(*) FROM expired
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }

    public func history(id: UUID) async throws -> [ItemEvent]? {
        var events: [ItemEvent] = []
        let rows = try await reads.query("""
            SELECT e.id, e.event, e.actor, coalesce(k.name, u.email), e.at, e.duration_ms, e.details::text
            FROM (
                -- Intake's row is the item itself (migration 0038), with the details intake's row held, erased as
                -- erasure erases a stored row's.
                SELECT i.intake_event AS id, 'intake' AS event, i.received_by AS actor, i.created_at AS at, NULL::int AS duration_ms,
                       CASE WHEN i.erased_at IS NULL THEN d.details ELSE loupe_erased_details(d.details) END AS details
                FROM items i, LATERAL (SELECT jsonb_build_object('status', CASE WHEN i.auto_approved_at IS NULL THEN 'pending' ELSE 'approved' END,
                                                                 'audit', i.audit, 'reasons', i.reasons) AS details) d
                WHERE i.id = \(id) AND i.intake_event IS NOT NULL
                UNION ALL
                SELECT id, event, actor, at, duration_ms, details FROM item_events WHERE item_id = \(id)
            ) e
            LEFT JOIN api_keys k ON e.actor LIKE 'key:%' AND k.id::text = substr(e.actor, 5)
            LEFT JOIN users u ON e.actor LIKE 'user:%' AND u.email = substr(e.actor, 6)
            ORDER BY e.id
            """, logger: logger)
        for try await (eventID, event, actor, name, at, duration, details) in rows.decode((Int, String, String, String?, Date, Int?, String).self) {
            let details = (try? JSONParser.parse(details)) ?? .null
            guard event == "intake" else {
                events.append(ItemEvent(id: eventID, event: event, actor: actor, actorName: name, at: at, durationMs: duration, details: details))
                continue
            }
            // Intake's one row (stored, migration 0036, or the item's, 0038) shows as its two events; the id below it is never another row's.
            events.append(ItemEvent(id: eventID - 1, event: "received", actor: actor, actorName: name, at: at, durationMs: nil, details: [:]))
            events.append(ItemEvent(id: eventID, event: "routed", actor: actor, actorName: name, at: at, durationMs: duration, details: details))
        }
        if events.isEmpty {
            for try await _ in try await client.query("SELECT 1 FROM items WHERE id = \(id)", logger: logger) { return [] }
            return nil
        }
        return events
    }

    /// Why a lease operation matched no row, as the problem the caller should see.
    func conflict(id: UUID, actor: String, doing: String) async throws -> Problem {
        let rows = try await client.query("SELECT queue_state, lease_holder, status FROM items WHERE id = \(id)", logger: logger)
        for try await (state, holder, status) in rows.decode((String?, String?, String).self) {
            switch state {
            case "done": return .conflict("cannot \(doing) this item: it was already decided (\(status))")
            case nil: return .conflict("cannot \(doing) this item: it is \(status) and not in the review queue")
            default:
                if let holder, holder != actor, state == "leased" {
                    return .conflict("cannot \(doing) this item: another reviewer holds its lease (your lease expired and it was claimed again)")
                }
                if holder != nil && holder != actor {
                    return .conflict("cannot \(doing) this item: your lease expired and another reviewer claimed it")
                }
                return .conflict("cannot \(doing) this item: you do not hold its lease; claim it first")
            }
        }
        return .notFound("there is no item \(id.uuidString.lowercased())")
    }

    static func decodeClaim(_ row: PostgresRow) throws -> ClaimedItem {
        let r = row.makeRandomAccess()
        let item = try PostgresItemRepository.decode(r)
        return ClaimedItem(item: item, task: try PostgresTaskRepository.decode(r, prefix: "t_"),
                           leaseExpiresAt: item.leaseExpiresAt ?? Date())
    }
}
