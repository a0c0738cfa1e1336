import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// Serving gold items: with probability `gold_rate` a claim gets a gold item the reviewer has not answered yet, as an
/// item row of their own made like intake makes one (its received and routed history read from the item, the gold's
/// reasons), so the claim response, the item and its history look like any other. One they let go of comes back as the
/// same row.
extension PostgresReviewRepository {
    /// Whether any task could serve gold on a claim with this `roll`: a prepared one-row check, so that claims pay for
    /// the gold statement (4.2 ms to parse, plan and run at 100k waiting items, from the server log) only where gold is.
    func mayServeGold(roll: Double) async throws -> Bool {
        for try await possible in try await client.execute(GoldCheckStatement(roll: roll), logger: logger) { return possible }
        return false
    }

    /// `roll` is uniform in [0, 1): tasks whose `gold_rate` exceeds it may serve gold on this claim.
    func claimGold(actor: String, task: String?, scope: [String]?, leaseSeconds: Int?, roll: Double, now: Date) async throws -> ClaimedItem? {
        let rows = try await client.query("""
            WITH pick AS (
                SELECT g.id AS gold_id, s.item_id AS existing
                FROM tasks t
                JOIN gold_items g ON g.task = t.name AND g.retired_at IS NULL
                LEFT JOIN gold_servings s ON s.gold_id = g.id AND s.reviewer = \(actor)
                LEFT JOIN items si ON si.id = s.item_id
                WHERE t.gold_rate > \(roll) AND (\(task)::text IS NULL OR t.name = \(task))
                  AND (\(scope)::text[] IS NULL OR t.name = ANY (\(scope)::text[]))
                  AND loupe_may_review(t.reviewers, \(actor))
                  -- Never answered; or served and let go (released, lease expired) and waiting for them again.
                  AND (s.item_id IS NULL OR (si.queue_state = 'waiting' AND si.status IN ('pending', 'in_review')))
                  AND (SELECT count(*) FROM items l WHERE l.queue_state = 'leased' AND l.lease_holder = \(actor) AND l.task = t.name) < t.max_leases
                  -- Only while real work waits, so a gold item never appears in a queue that is empty.
                  AND EXISTS (SELECT 1 FROM items w WHERE w.task = t.name AND w.queue_state = 'waiting' AND w.gold_id IS NULL
                              AND w.status <> 'disputed')
                ORDER BY random()
                LIMIT 1
            ), fresh AS (
                INSERT INTO items (id, task, external_id, status, audit, queue_state, priority, input, output, confidence,
                                   field_confidence, model, prompt_version, metadata, reasons, created_at, updated_at,
                                   lease_holder, lease_expires_at, claimed_at, gold_id, received_by, intake_event)
                SELECT \(UUIDv7.make(at: now)), g.task, g.external_id, 'in_review', false, 'leased', 0, g.input, g.shown_output,
                       g.confidence, g.field_confidence, g.model, g.prompt_version, g.metadata, g.reasons, \(now), \(now),
                       \(actor), \(now)::timestamptz + make_interval(secs => least(t.lease_seconds, coalesce(\(leaseSeconds)::int, t.lease_seconds))),
                       \(now), g.id,
                       -- Received from whoever sends the task's real items, as its intake history (the item itself,
                       -- migration 0038) then shows.
                       coalesce((SELECT coalesce(r.received_by, (SELECT v.actor FROM item_events v
                                                                  WHERE v.item_id = r.id AND v.event IN ('intake', 'received') LIMIT 1))
                                 FROM items r WHERE r.task = g.task AND r.gold_id IS NULL ORDER BY r.created_at DESC LIMIT 1),
                                g.created_by),
                       nextval('item_events_id_seq')
                FROM pick p JOIN gold_items g ON g.id = p.gold_id JOIN tasks t ON t.name = g.task
                WHERE p.existing IS NULL
                RETURNING *
            ), served AS (
                INSERT INTO gold_servings (gold_id, reviewer, item_id) SELECT gold_id, \(actor), id FROM fresh
            ), again AS (
                UPDATE items i SET queue_state = 'leased', lease_holder = \(actor), status = 'in_review', claimed_at = \(now), updated_at = \(now),
                       lease_expires_at = \(now)::timestamptz
                           + make_interval(secs => least(t.lease_seconds, coalesce(\(leaseSeconds)::int, t.lease_seconds)))
                FROM pick p, tasks t
                WHERE i.id = p.existing AND t.name = i.task AND i.queue_state = 'waiting'
                RETURNING i.*
            ), claimed AS (
                SELECT * FROM fresh UNION ALL SELECT * FROM again
            ), history AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'claimed', \(actor), \(now), jsonb_build_object('lease_expires_at', lease_expires_at) FROM claimed
            )
            SELECT \(unescaped: PostgresItemRepository.columns("c")), \(unescaped: Self.taskColumns)
            FROM claimed c JOIN tasks t ON t.name = c.task
            """, logger: logger)
        for try await row in rows { return try Self.decodeClaim(row) }
        return nil
    }
}

/// Some task serves gold to a claim whose roll is below its `gold_rate` and has a gold item not retired.
struct GoldCheckStatement: PostgresPreparedStatement {
    typealias Row = Bool
    static let sql = """
        SELECT EXISTS (SELECT 1 FROM tasks t WHERE t.gold_rate > $1
                       AND EXISTS (SELECT 1 FROM gold_items g WHERE g.task = t.name AND g.retired_at IS NULL))
        """
    static let bindingDataTypes: [PostgresDataType] = [.float8]
    let roll: Double

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 1)
        b.append(roll)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> Bool { try row.decode(Bool.self) }
}
