import Foundation
import PostgresNIO

/// Intake's one statement (items, their history rows, outbox rows), prepared once per connection:
/// parsing and planning this CTE on every request cost more than executing it.
struct IntakeStatement: PostgresPreparedStatement {
    typealias Row = UUID

    static let sql = """
        WITH inserted AS (
            INSERT INTO items (id, task, external_id, status, audit, queue_state, priority, input, output, confidence,
                               field_confidence, model, prompt_version, metadata, reasons, final_output,
                               decision_action, decided_by, decided_at, auto_approved_at, created_at, updated_at, callback_url,
                               callback_actor)
            SELECT id, task, NULLIF(external_id, ''), status, audit, NULLIF(queue_state, ''), priority, input::jsonb,
                   output::jsonb, confidence, NULLIF(field_confidence, '')::jsonb, NULLIF(model, ''),
                   NULLIF(prompt_version, ''), NULLIF(metadata, '')::jsonb, reasons::jsonb,
                   CASE WHEN status = 'approved' THEN output::jsonb END,
                   CASE WHEN status = 'approved' THEN 'approve' END,
                   CASE WHEN status = 'approved' THEN 'auto' END,
                   CASE WHEN status = 'approved' THEN $1::timestamptz END,
                   CASE WHEN status = 'approved' THEN $1::timestamptz END,
                   $1, $1, NULLIF(callback_url, ''), CASE WHEN callback_url <> '' THEN $2 END
            FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[], $9::int8[], $10::text[],
                        $11::text[], $12::float8[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[])
                 AS t(id, task, external_id, status, audit, queue_state, priority, input, output, confidence,
                      field_confidence, model, prompt_version, metadata, reasons, callback_url)
            ON CONFLICT (task, external_id) DO NOTHING
            RETURNING id, status, audit, reasons, callback_url
        ), events AS (
            INSERT INTO item_events (item_id, event, actor, at, details)
            SELECT i.id, e.event, $2, $1,
                   CASE e.event WHEN 'routed' THEN jsonb_build_object('status', i.status, 'audit', i.audit, 'reasons', i.reasons)
                                ELSE '{}'::jsonb END
            FROM inserted i CROSS JOIN (VALUES ('received'), ('routed')) AS e(event)
        ), outbox AS (
            INSERT INTO webhook_deliveries (id, webhook_id, event, item_id, state, next_attempt_at, created_at)
            SELECT gen_random_uuid(), w.id, e.event, i.id, 'pending', $1, $1
            FROM inserted i
            CROSS JOIN LATERAL (SELECT CASE WHEN i.status = 'approved' THEN 'item.decided' ELSE 'item.queued' END AS event) e
            JOIN webhooks w ON w.deleted_at IS NULL AND e.event = ANY (w.events)
        ), callbacks AS (
            INSERT INTO webhook_deliveries (id, url, event, item_id, state, next_attempt_at, created_at)
            SELECT gen_random_uuid(), i.callback_url, 'item.decided', i.id, 'pending', $1, $1
            FROM inserted i WHERE i.callback_url IS NOT NULL AND i.status = 'approved'
        )
        SELECT id FROM inserted
        """

    let now: Date
    let actor: String
    let ids: [UUID]
    let tasks, externalIDs, statuses: [String]
    let audits: [Bool]
    let queued: [String]
    let priorities: [Int]
    let inputs, outputs: [String]
    let confidences: [Double]
    let fieldConfidences, models, promptVersions, metadata, reasons, callbacks: [String]

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 18)
        b.append(now); b.append(actor); b.append(ids); b.append(tasks); b.append(externalIDs); b.append(statuses)
        b.append(audits); b.append(queued); b.append(priorities); b.append(inputs); b.append(outputs); b.append(confidences)
        b.append(fieldConfidences); b.append(models); b.append(promptVersions); b.append(metadata); b.append(reasons)
        b.append(callbacks)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> UUID { try row.decode(UUID.self) }
}
