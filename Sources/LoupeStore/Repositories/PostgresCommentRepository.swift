import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Comments as `commented` history rows.
public struct PostgresCommentRepository: CommentRepository {
    let client: GatedPool
    let logger: Logger

    public func add(_ comment: NewComment, item: UUID, actor: String, now: Date) async throws -> ItemEvent? {
        let rows = try await client.query("""
            WITH target AS (
                SELECT id, erased_at FROM items WHERE id = \(item)
            ), added AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'commented', \(actor), \(now), \(comment.details.sqlText)::jsonb FROM target WHERE erased_at IS NULL
                RETURNING id
            )
            SELECT (SELECT id FROM added), (SELECT erased_at IS NOT NULL FROM target)
            """, logger: logger)
        for try await (id, erased) in rows.decode((Int?, Bool?).self) {
            guard let erased else { return nil }
            guard let id, !erased else { throw Problem.conflict("this item's content was erased; it takes no comments") }
            return ItemEvent(id: id, event: "commented", actor: actor, at: now, durationMs: nil, details: comment.details)
        }
        return nil
    }

    public func comments(item: UUID) async throws -> [ItemEvent]? {
        let rows = try await client.query("""
            SELECT e.id, e.actor, e.at, e.details::text, EXISTS (SELECT 1 FROM items WHERE id = \(item)) AS known
            FROM (SELECT 1) one
            LEFT JOIN item_events e ON e.item_id = \(item) AND e.event = 'commented'
            ORDER BY e.id
            """, logger: logger)
        var comments: [ItemEvent] = []
        for try await (id, actor, at, details, known) in rows.decode((Int?, String?, Date?, String?, Bool).self) {
            guard known else { return nil }
            guard let id, let actor, let at else { continue }
            comments.append(ItemEvent(id: id, event: "commented", actor: actor, at: at, durationMs: nil,
                                      details: details.flatMap { try? JSONParser.parse($0) } ?? .null))
        }
        return comments
    }
}
