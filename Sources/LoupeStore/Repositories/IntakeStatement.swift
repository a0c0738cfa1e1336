import Foundation
import PostgresNIO

/// Intake's one statement (items and their events), prepared once per connection:
/// parsing and planning this CTE on every request cost more than executing it.
///
/// Two forms. `INSERT … ON CONFLICT` inserts every row speculatively (a lock taken and released and a confirming WAL
/// record per row) even where the row has no external id and so cannot conflict; most intake has none, and takes the
/// plain form. A batch with any external id takes the `ON CONFLICT` form whole.
enum IntakeSQL {
    static func make(idempotent: Bool) -> String {
        head + (idempotent ? "            ON CONFLICT (task, external_id) WHERE external_id IS NOT NULL AND gold_id IS NULL DO NOTHING\n" : "") + tail
    }

    private static let head = """
        WITH inserted AS (
            INSERT INTO items (id, task, external_id, status, audit, queue_state, priority, input, output, confidence,
                               field_confidence, model, prompt_version, metadata, reasons, final_output,
                               decision_action, decided_by, decided_at, auto_approved_at, created_at, updated_at, callback_url,
                               received_by, intake_event, deadline_at, on_deadline, embedding, audit_rate)
            SELECT id, task, NULLIF(external_id, ''), status, audit, NULLIF(queue_state, ''), priority, input::jsonb,
                   output::jsonb, confidence, field_confidence::jsonb, NULLIF(model, ''),
                   NULLIF(prompt_version, ''), metadata::jsonb, reasons::jsonb,
                   CASE WHEN status = 'approved' THEN output::jsonb END,
                   CASE WHEN status = 'approved' THEN 'approve' END,
                   CASE WHEN status = 'approved' THEN 'auto' END,
                   CASE WHEN status = 'approved' THEN $1::timestamptz END,
                   CASE WHEN status = 'approved' THEN $1::timestamptz END,
                   $1, $1, NULLIF(callback_url, ''), $2, nextval('item_events_id_seq'),
                   CASE WHEN deadline > 0 THEN $1::timestamptz + make_interval(secs => deadline) END, NULLIF(on_deadline, ''),
                   decode(NULLIF(embedding, ''), 'base64'), CASE WHEN status = 'approved' THEN audit_rate END
            -- Unnested in the select list (ProjectSet, element by element), not `FROM unnest(a, b, …)`: that form
            -- materialises every array into a tuplestore of its own first (ExecMakeTableFunctionResult, 7.4% of
            -- PostgreSQL's samples during batch intake). The arrays are the same length, so they zip the same way.
            FROM (SELECT unnest($3::uuid[]) AS id, unnest($4::text[]) AS task, unnest($5::text[]) AS external_id,
                         unnest($6::text[]) AS status, unnest($7::bool[]) AS audit, unnest($8::text[]) AS queue_state,
                         unnest($9::int8[]) AS priority, unnest($10::text[]) AS input, unnest($11::text[]) AS output,
                         unnest($12::float8[]) AS confidence, unnest($13::text[]) AS field_confidence, unnest($14::text[]) AS model,
                         unnest($15::text[]) AS prompt_version, unnest($16::text[]) AS metadata, unnest($17::text[]) AS reasons,
                         unnest($18::text[]) AS callback_url, unnest($19::int8[]) AS deadline, unnest($20::text[]) AS on_deadline,
                         unnest($21::text[]) AS embedding, unnest($22::float8[]) AS audit_rate) AS t
"""
    private static let tail = """
            -- No history row: the history API reads `received` and `routed` from the item (migration 0038).
            RETURNING id, task, status
        ), outbox AS (
            -- The events table's trigger fans these out to webhook and callback deliveries.
            INSERT INTO events (event, task, item_id, actor, at)
            SELECT CASE WHEN i.status = 'approved' THEN 'item.decided' ELSE 'item.queued' END, i.task, i.id,
                   CASE WHEN i.status = 'approved' THEN 'auto' ELSE $2 END, $1
            FROM inserted i
        )
        SELECT id FROM inserted
"""
}

/// The plain form, for items without an external id.
struct IntakeStatement: PostgresPreparedStatement {
    typealias Row = UUID
    static let sql = IntakeSQL.make(idempotent: false)
    let columns: IntakeColumns
    func makeBindings() throws -> PostgresBindings { columns.bindings() }
    func decodeRow(_ row: PostgresRow) throws -> UUID { try row.decode(UUID.self) }
}

/// The form for batches where some item names an external id: a repeat is skipped, and found by the caller.
struct IdempotentIntakeStatement: PostgresPreparedStatement {
    typealias Row = UUID
    static let sql = IntakeSQL.make(idempotent: true)
    let columns: IntakeColumns
    func makeBindings() throws -> PostgresBindings { columns.bindings() }
    func decodeRow(_ row: PostgresRow) throws -> UUID { try row.decode(UUID.self) }
}
