import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Gold items in `gold_items`; their copies served to reviewers are items with `gold_id` (see +Gold on the review
/// repository).
public struct PostgresGoldRepository: GoldRepository {
    let client: GatedPool
    let logger: Logger

    public func create(_ gold: GoldSubmission, task: String, reasons: JSONValue, actor: String, now: Date) async throws -> (id: UUID, created: Bool) {
        let fieldConfidence = gold.fieldConfidence.map { PostgresItemRepository.scores($0).sqlText }
        let rows = try await client.query("""
            WITH inserted AS (
                INSERT INTO gold_items (id, task, external_id, input, answer, shown_output, confidence, field_confidence, model,
                                        prompt_version, metadata, reasons, created_by, created_at)
                VALUES (\(UUIDv7.make(at: now)), \(task), \(gold.externalID), \(gold.input.sqlText)::jsonb, \(gold.answer.sqlText)::jsonb,
                        \(gold.shownOutput.sqlText)::jsonb, \(gold.confidence), \(fieldConfidence)::jsonb, \(gold.model),
                        \(gold.promptVersion), \(gold.metadata?.sqlText)::jsonb, \(reasons.sqlText)::jsonb, \(actor), \(now))
                ON CONFLICT (task, external_id) DO NOTHING
                RETURNING id
            )
            SELECT id, true FROM inserted
            UNION ALL
            SELECT id, false FROM gold_items WHERE task = \(task) AND external_id = \(gold.externalID) AND NOT EXISTS (SELECT 1 FROM inserted)
            """, logger: logger)
        for try await (id, created) in rows.decode((UUID, Bool).self) { return (id, created) }
        throw StoreError.configuration("gold item for task \(task) was neither inserted nor found")
    }

    public func list(task: String) async throws -> [GoldItem] {
        let rows = try await client.query("""
            SELECT g.id, g.external_id, g.input::text, g.answer::text, g.shown_output::text, g.confidence, g.created_by, g.created_at,
                   g.retired_at, count(s.item_id)::int, count(i.id) FILTER (WHERE i.queue_state = 'done')::int,
                   count(i.id) FILTER (WHERE i.queue_state = 'done' AND i.decision_action <> 'reject' AND i.final_output = g.answer)::int
            FROM gold_items g
            LEFT JOIN gold_servings s ON s.gold_id = g.id
            LEFT JOIN items i ON i.id = s.item_id
            WHERE g.task = \(task)
            GROUP BY g.id
            ORDER BY g.id
            """, logger: logger)
        var found: [GoldItem] = []
        for try await (id, externalID, input, answer, shown, confidence, createdBy, createdAt, retiredAt, served, answered, right)
            in rows.decode((UUID, String?, String, String, String, Double, String, Date, Date?, Int, Int, Int).self) {
            func parse(_ text: String) -> JSONValue { (try? JSONParser.parse(text, options: .init(maxDepth: 10_000))) ?? .null }
            found.append(GoldItem(id: id, externalID: externalID, input: parse(input), answer: parse(answer), shownOutput: parse(shown),
                                  confidence: confidence, createdBy: createdBy, createdAt: createdAt, retiredAt: retiredAt,
                                  served: served, answered: answered, right: right))
        }
        return found
    }

    public func retire(task: String, id: UUID, now: Date) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE gold_items SET retired_at = coalesce(retired_at, \(now)) WHERE task = \(task) AND id = \(id) RETURNING id
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
