import Foundation
import LoupeDomain
import LoupeJSON
import PostgresNIO

/// The statement that decides an item the caller leases, prepared once per connection (planning its five CTEs on
/// every decision cost about as much as running them): `decidedBy` is the caller, or "consensus" when the reviews it
/// completes agreed.
struct DecisionStatement: PostgresPreparedStatement {
    typealias Row = ItemRecord

    static let sql = """
        WITH decided AS (
            UPDATE items i SET status = $1,
                   final_output = CASE $2 WHEN 'approve' THEN i.output WHEN 'correct' THEN $3::jsonb END,
                   decision_action = $2, decided_by = $4, decided_at = $5, decision_reason = $6,
                   audit_verdict = CASE WHEN i.audit THEN $2 END,
                   queue_state = 'done', lease_expires_at = NULL, updated_at = $5
            WHERE i.id = $7 AND i.lease_holder = $8 AND i.queue_state IN ('leased', 'waiting')
            RETURNING \(PostgresReviewRepository.itemColumns), i.claimed_at
        ), example AS (
            -- Every correction, and (if the task says so) every human approval of a pending item,
            -- becomes a few-shot example in the same transaction; identical inputs keep the latest. Answers to
            -- gold items test the reviewer and go nowhere else (no examples, no events).
            INSERT INTO examples (id, task, input, input_text, input_hash, output, kind, prompt_version, model,
                                  source_item, reviewer, created_at, embedding, text_config)
            SELECT $9, d.task, d.input::jsonb, loupe_input_text(d.input::jsonb), md5(d.input::jsonb::text),
                   d.final_output::jsonb, CASE d.decision_action WHEN 'correct' THEN 'correction' ELSE 'approval' END,
                   d.prompt_version, d.model, d.id, $4, $5, src.embedding, t.text_search_config::regconfig
            FROM decided d JOIN tasks t ON t.name = d.task JOIN items src ON src.id = d.id
            WHERE (d.decision_action = 'correct' OR (d.decision_action = 'approve' AND t.approvals_as_examples AND NOT d.audit))
              AND NOT d.gold
            ON CONFLICT (task, input_hash) DO UPDATE SET
                output = EXCLUDED.output, kind = EXCLUDED.kind, prompt_version = EXCLUDED.prompt_version,
                model = EXCLUDED.model, source_item = EXCLUDED.source_item, reviewer = EXCLUDED.reviewer,
                created_at = EXCLUDED.created_at, enabled = true, embedding = EXCLUDED.embedding,
                text_config = EXCLUDED.text_config
        ), outbox AS (
            -- item.decided for every decision, item.corrected for corrections (audit samples included); the
            -- events trigger fans them out to webhooks and the item's callback.
            INSERT INTO events (event, task, item_id, actor, at)
            SELECT e.event, d.task, d.id, $4, $5
            FROM decided d
            CROSS JOIN LATERAL (VALUES ('item.decided'), (CASE WHEN d.decision_action = 'correct' THEN 'item.corrected' END)) AS e(event)
            WHERE e.event IS NOT NULL AND NOT d.gold
        ), history AS (
            INSERT INTO item_events (item_id, event, actor, at, duration_ms, details)
            SELECT id, 'decided', $8, $5, (extract(epoch FROM ($5::timestamptz - claimed_at)) * 1000)::bigint,
                   jsonb_strip_nulls(jsonb_build_object('action', decision_action, 'reason', decision_reason,
                                                        'audit', audit, 'output', $3::jsonb))
            FROM decided
        )
        SELECT * FROM decided
        """

    /// Declared, not inferred: PostgresNIO sends a nil without a type, and a statement first prepared with a NULL
    /// correction would take `$3` for jsonb and refuse the text of a later one.
    static let bindingDataTypes: [PostgresDataType] = [.text, .text, .text, .text, .timestamptz, .text, .uuid, .text, .uuid]

    let id: UUID
    let actor: String
    let decision: HumanDecision
    let decidedBy: String
    let now: Date

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 9)
        b.append(decision.status.rawValue); b.append(decision.action.rawValue); b.append(decision.output.map { JSONWriter.string($0) })
        b.append(decidedBy); b.append(now); b.append(decision.reason); b.append(id); b.append(actor); b.append(UUIDv7.make(at: now))
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> ItemRecord { try PostgresItemRepository.decode(row) }
}
