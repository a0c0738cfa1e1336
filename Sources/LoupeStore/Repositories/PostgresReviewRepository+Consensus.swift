import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Consensus reviews, in one transaction per review: the item is locked, the review recorded, and the item sent back
/// to the queue, decided by consensus, or disputed. Reviews are compared as jsonb values, so key order and the
/// spelling of numbers (1.0, 1) do not make two equal outputs differ.
extension PostgresReviewRepository: ConsensusRepository {
    public func review(id: UUID, actor: String, decision: HumanDecision, required: Int, now: Date) async throws -> ItemRecord {
        let output: String? = switch decision.action {
        case .approve: nil
        case .correct: decision.output.map { JSONWriter.string($0) }
        case .reject: nil
        }
        let decided: ItemRecord? = try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                let item = try await Self.recordReview(connection, id: id, actor: actor, decision: decision, output: output, now: now,
                                                       required: required, logger: logger)
                try await connection.query("COMMIT", logger: logger)
                return item
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
        guard let decided else { throw try await conflict(id: id, actor: actor, doing: "review") }
        return decided
    }

    static func recordReview(_ connection: PostgresConnection, id: UUID, actor: String, decision: HumanDecision, output: String?,
                             now: Date, required: Int, logger: Logger) async throws -> ItemRecord? {
        var held = false
        for try await _ in try await connection.query("""
            SELECT id FROM items WHERE id = \(id) AND lease_holder = \(actor) AND queue_state IN ('leased', 'waiting')
              AND status IN ('pending', 'in_review') FOR UPDATE
            """, logger: logger) { held = true }
        guard held else { return nil }
        do {
            try await connection.query("""
                WITH recorded AS (
                    INSERT INTO item_reviews (item_id, reviewer, action, output, reason, at)
                    SELECT id, \(actor), \(decision.action.rawValue),
                           CASE \(decision.action.rawValue) WHEN 'approve' THEN output WHEN 'correct' THEN \(output)::jsonb END,
                           \(decision.reason), \(now)
                    FROM items WHERE id = \(id)
                    RETURNING item_id, action, reason, output
                )
                INSERT INTO item_events (item_id, event, actor, at, duration_ms, details)
                SELECT r.item_id, 'reviewed', \(actor), \(now), (extract(epoch FROM (\(now)::timestamptz - i.claimed_at)) * 1000)::bigint,
                       jsonb_strip_nulls(jsonb_build_object('action', r.action, 'reason', r.reason, 'output', CASE WHEN r.action = 'correct' THEN r.output END))
                FROM recorded r JOIN items i ON i.id = r.item_id
                """, logger: logger)
            try await connection.query("UPDATE items SET review_count = review_count + 1 WHERE id = \(id)", logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw Problem.conflict("you reviewed this item already; consensus needs reviews by different people")
        }
        var count = 0, distinct = 0
        for try await (n, d) in try await connection.query("""
            SELECT count(*)::int, count(DISTINCT (action, coalesce(output, 'null'::jsonb)))::int FROM item_reviews WHERE item_id = \(id)
            """, logger: logger).decode((Int, Int).self) { (count, distinct) = (n, d) }
        if count >= required && distinct == 1 {
            let agreed = DecisionStatement(id: id, actor: actor, decision: decision, decidedBy: "consensus", now: now)
            for try await item in try await connection.execute(agreed, logger: logger) { return item }
            return nil
        }
        let disputed = count >= required
        let rows = try await connection.query("""
            WITH moved AS (
                UPDATE items SET status = CASE WHEN \(disputed) THEN 'disputed' ELSE 'pending' END, queue_state = 'waiting',
                       lease_holder = NULL, lease_expires_at = NULL, updated_at = \(now)
                WHERE id = \(id)
                RETURNING *
            ), outbox AS (
                INSERT INTO events (event, task, item_id, actor, at) SELECT 'item.disputed', task, id, 'consensus', \(now) FROM moved WHERE \(disputed)
            ), history AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'disputed', 'consensus', \(now), jsonb_build_object('reviews', \(count)) FROM moved WHERE \(disputed)
            )
            SELECT \(unescaped: PostgresItemRepository.columns("moved")) FROM moved
            """, logger: logger)
        for try await row in rows { return try PostgresItemRepository.decode(row) }
        return nil
    }

    public func reviews(item: UUID) async throws -> [ItemReview] {
        var reviews: [ItemReview] = []
        let rows = try await client.query("""
            SELECT reviewer, action, output::text, reason, at FROM item_reviews WHERE item_id = \(item) ORDER BY at, reviewer
            """, logger: logger)
        for try await (reviewer, action, output, reason, at) in rows.decode((String, String, String?, String?, Date).self) {
            reviews.append(ItemReview(reviewer: reviewer, action: action, output: output.flatMap { try? JSONParser.parse($0) }, reason: reason, at: at))
        }
        return reviews
    }
}
