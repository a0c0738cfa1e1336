import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// Erasure in one statement per batch: the items' content, examples made from them, their history details and
/// undelivered deliveries about them go; an `erased` history row and an `item.erased` event are appended.
public struct PostgresErasureRepository: ErasureRepository {
    let client: GatedPool
    let logger: Logger

    public func erase(_ target: ErasureTarget, actor: String, now: Date, limit: Int) async throws -> [UUID] {
        let query: PostgresQuery
        switch target {
        case .item(let task, let externalID):
            query = """
                WITH p AS (SELECT \(actor)::text AS actor, \(now)::timestamptz AS at), target AS (
                    SELECT id FROM items WHERE task = \(task) AND external_id = \(externalID) AND erased_at IS NULL AND gold_id IS NULL FOR UPDATE
                ) \(unescaped: Self.erasing)
                """
        case .decidedBefore(let task, let cutoff):
            // Items still queued (audit samples) keep their content until they are reviewed.
            query = """
                WITH p AS (SELECT \(actor)::text AS actor, \(now)::timestamptz AS at), target AS (
                    SELECT id FROM items WHERE task = \(task) AND erased_at IS NULL AND decided_at < \(cutoff) AND gold_id IS NULL
                        AND (queue_state IS NULL OR queue_state = 'done')
                    ORDER BY decided_at LIMIT \(limit) FOR UPDATE SKIP LOCKED
                ) \(unescaped: Self.erasing)
                """
        case .pastRetention:
            query = """
                WITH p AS (SELECT \(actor)::text AS actor, \(now)::timestamptz AS at), target AS (
                    SELECT i.id FROM tasks t JOIN items i ON i.task = t.name
                    WHERE t.retention_days IS NOT NULL AND i.erased_at IS NULL AND i.gold_id IS NULL AND (i.queue_state IS NULL OR i.queue_state = 'done')
                        AND i.decided_at < \(now)::timestamptz - make_interval(days => t.retention_days)
                    ORDER BY i.decided_at LIMIT \(limit) FOR UPDATE OF i SKIP LOCKED
                ) \(unescaped: Self.erasing)
                """
        }
        var erased: [UUID] = []
        for try await id in try await client.query(query, logger: logger).decode(UUID.self) { erased.append(id) }
        return erased
    }

    public func find(task: String, externalID: String) async throws -> UUID? {
        let rows = try await client.query("SELECT id FROM items WHERE task = \(task) AND external_id = \(externalID) AND gold_id IS NULL", logger: logger)
        for try await id in rows.decode(UUID.self) { return id }
        return nil
    }

    /// What follows the `p` (actor, time) and `target` (ids, locked) CTEs.
    static let erasing = """
        , erased AS (
            UPDATE items i SET input = 'null'::jsonb, output = 'null'::jsonb, final_output = NULL, metadata = NULL,
                   decision_reason = NULL, callback_url = NULL, embedding = NULL, erased_at = p.at, updated_at = p.at,
                   -- An undecided item leaves the queue: nobody can review content that is gone.
                   queue_state = CASE WHEN i.queue_state IN ('waiting', 'leased') THEN 'done' ELSE i.queue_state END,
                   lease_expires_at = NULL, deadline_at = NULL, on_deadline = NULL
            FROM target t, p WHERE i.id = t.id
            RETURNING i.id, i.task
        ), examples_gone AS (
            DELETE FROM examples e USING erased r WHERE e.source_item = r.id
        ), history AS (
            UPDATE item_events h SET details = loupe_erased_details(h.details) FROM erased r WHERE h.item_id = r.id
        ), recorded AS (
            INSERT INTO item_events (item_id, event, actor, at, details) SELECT r.id, 'erased', p.actor, p.at, '{}' FROM erased r, p
        ), unsent AS (
            UPDATE webhook_deliveries d SET state = 'cancelled', cancelled_at = p.at, cancelled_by = p.actor
            FROM erased r, p WHERE d.item_id = r.id AND d.state = 'pending'
        ), tombstone AS (
            INSERT INTO events (event, task, item_id, actor, at) SELECT 'item.erased', r.task, r.id, p.actor, p.at FROM erased r, p
        )
        SELECT id FROM erased
        """
}
