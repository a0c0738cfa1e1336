import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Bulk approvals. Each statement re-checks its items on the locked rows, so an item claimed or decided since the
/// preview is left alone, and one action never approves (or reopens) an item twice.
public struct PostgresBulkApprovalRepository: BulkApprovalRepository {
    let client: GatedPool
    let logger: Logger

    public func candidates(_ filter: BulkFilter, limit: Int) async throws -> [BulkCandidate] {
        // Words in the input as typed: `%` and `_` match themselves.
        let pattern = filter.text.map { "%" + $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%" }
        let rows = try await client.query("""
            SELECT id, output::text, confidence, left(loupe_input_text(input), 160)
            FROM items
            WHERE task = \(filter.task) AND status = 'pending' AND queue_state = 'waiting' AND NOT audit AND erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = items.id)
              AND (\(filter.promptVersion)::text IS NULL OR prompt_version = \(filter.promptVersion))
              AND (\(filter.minConfidence)::float8 IS NULL OR confidence >= \(filter.minConfidence))
              AND (\(filter.maxConfidence)::float8 IS NULL OR confidence <= \(filter.maxConfidence))
              AND (\(pattern)::text IS NULL OR loupe_input_text(input) ILIKE \(pattern) ESCAPE '\\')
            ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var found: [BulkCandidate] = []
        for try await (id, output, confidence, excerpt) in rows.decode((UUID, String, Double, String?).self) {
            found.append(BulkCandidate(id: id, output: (try? JSONParser.parse(output, options: .init(maxDepth: 10_000))) ?? .null,
                                       confidence: confidence, excerpt: excerpt ?? ""))
        }
        return found
    }

    public func freeze(id: UUID, actor: String, filter: BulkFilter, ids: [UUID], now: Date) async throws {
        _ = try await client.query("""
            INSERT INTO bulk_approvals (id, actor, task, filter, item_ids, state, created_at)
            VALUES (\(id), \(actor), \(filter.task), \(filter.json.sqlText)::jsonb, \(ids), 'previewed', \(now))
            """, logger: logger)
    }

    public func apply(id: UUID, actor: String, count: Int, maxAge: TimeInterval, now: Date) async throws -> Result<Int, BulkRefusal> {
        let rows = try await client.query("""
            WITH action AS (
                UPDATE bulk_approvals b SET state = 'applied', applied_at = \(now)
                WHERE b.id = \(id) AND b.actor = \(actor) AND b.state = 'previewed' AND b.created_at > \(now.addingTimeInterval(-maxAge))
                  AND cardinality(b.item_ids) = \(count)
                  -- A schema edited since the preview may refuse outputs it found valid: preview again.
                  AND NOT EXISTS (SELECT 1 FROM tasks t WHERE t.name = b.task AND t.updated_at > b.created_at)
                RETURNING b.item_ids
            ), decided AS (
                UPDATE items i SET status = 'approved', final_output = i.output, decision_action = 'approve', decided_by = \(actor),
                       decided_at = \(now), decision_reason = NULL, queue_state = 'done', lease_expires_at = NULL, updated_at = \(now)
                FROM action a
                WHERE i.id = ANY (a.item_ids) AND i.status = 'pending' AND i.queue_state = 'waiting' AND NOT i.audit
                RETURNING i.id, i.task
            ), outbox AS (
                INSERT INTO events (event, task, item_id, actor, at) SELECT 'item.decided', task, id, \(actor), \(now) FROM decided
            ), history AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'decided', \(actor), \(now), jsonb_build_object('action', 'approve', 'bulk', \(id.uuidString.lowercased())) FROM decided
            )
            SELECT (SELECT count(*) FROM action)::int, (SELECT count(*) FROM decided)::int
            """, logger: logger)
        for try await (matched, approved) in rows.decode((Int, Int).self) where matched == 1 { return .success(approved) }
        return .failure(try await refusal(id: id, actor: actor, count: count, maxAge: maxAge, now: now))
    }

    public func undo(id: UUID, actor: String, window: TimeInterval, now: Date) async throws -> Result<Int, BulkRefusal> {
        let rows = try await client.query("""
            WITH action AS (
                UPDATE bulk_approvals SET state = 'undone', undone_at = \(now)
                WHERE id = \(id) AND actor = \(actor) AND state = 'applied' AND applied_at > \(now.addingTimeInterval(-window))
                RETURNING item_ids, applied_at
            ), reopened AS (
                UPDATE items i SET status = 'pending', final_output = NULL, decision_action = NULL, decided_by = NULL, decided_at = NULL,
                       decision_reason = NULL, queue_state = 'waiting', lease_holder = NULL, lease_expires_at = NULL, updated_at = \(now)
                FROM action a
                WHERE i.id = ANY (a.item_ids) AND i.status = 'approved' AND i.decided_by = \(actor) AND i.decided_at = a.applied_at
                  AND i.erased_at IS NULL
                RETURNING i.id, i.task
            ), history AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'reopened', \(actor), \(now), jsonb_build_object('bulk', \(id.uuidString.lowercased())) FROM reopened
            ), outbox AS (
                -- Back in the queue: upstream systems hear it; an approval not yet delivered is not sent at all.
                INSERT INTO events (event, task, item_id, actor, at) SELECT 'item.queued', task, id, \(actor), \(now) FROM reopened
            ), unsent AS (
                UPDATE webhook_deliveries d SET state = 'cancelled', cancelled_at = \(now), cancelled_by = \(actor)
                FROM reopened r WHERE d.item_id = r.id AND d.state = 'pending' AND d.event = 'item.decided'
            )
            SELECT (SELECT count(*) FROM action)::int, (SELECT count(*) FROM reopened)::int
            """, logger: logger)
        for try await (matched, reopened) in rows.decode((Int, Int).self) where matched == 1 { return .success(reopened) }
        let state = try await client.query("SELECT state FROM bulk_approvals WHERE id = \(id) AND actor = \(actor)", logger: logger)
        for try await state in state.decode(String.self) { return .failure(state == "applied" ? .undoWindowPassed : .notApplied) }
        return .failure(.unknown)
    }

    private func refusal(id: UUID, actor: String, count: Int, maxAge: TimeInterval, now: Date) async throws -> BulkRefusal {
        let rows = try await client.query("""
            SELECT b.state, cardinality(b.item_ids), b.created_at, t.updated_at > b.created_at
            FROM bulk_approvals b JOIN tasks t ON t.name = b.task WHERE b.id = \(id) AND b.actor = \(actor)
            """, logger: logger)
        for try await (state, size, created, changed) in rows.decode((String, Int, Date, Bool).self) {
            if state != "previewed" { return .alreadyApplied }
            if size != count { return .countMismatch(expected: size) }
            if created <= now.addingTimeInterval(-maxAge) { return .expired }
            if changed { return .taskChanged }
        }
        return .unknown
    }
}
