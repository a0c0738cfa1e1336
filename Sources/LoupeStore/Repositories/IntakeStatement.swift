import Foundation
import LoupeDomain
import LoupeJSON
import PostgresNIO

/// Intake's one statement (items, their history row, their events), prepared once per connection:
/// parsing and planning this CTE on every request cost more than executing it.
struct IntakeStatement: PostgresPreparedStatement {
    typealias Row = UUID

    static let sql = """
        WITH inserted AS (
            INSERT INTO items (id, task, external_id, status, audit, queue_state, priority, input, output, confidence,
                               field_confidence, model, prompt_version, metadata, reasons, final_output,
                               decision_action, decided_by, decided_at, auto_approved_at, created_at, updated_at, callback_url,
                               callback_actor, deadline_at, on_deadline, embedding, audit_rate)
            SELECT id, task, NULLIF(external_id, ''), status, audit, NULLIF(queue_state, ''), priority, input::jsonb,
                   output::jsonb, confidence, field_confidence::jsonb, NULLIF(model, ''),
                   NULLIF(prompt_version, ''), metadata::jsonb, reasons::jsonb,
                   CASE WHEN status = 'approved' THEN output::jsonb END,
                   CASE WHEN status = 'approved' THEN 'approve' END,
                   CASE WHEN status = 'approved' THEN 'auto' END,
                   CASE WHEN status = 'approved' THEN $1::timestamptz END,
                   CASE WHEN status = 'approved' THEN $1::timestamptz END,
                   $1, $1, NULLIF(callback_url, ''), CASE WHEN callback_url <> '' THEN $2 END,
                   CASE WHEN deadline > 0 THEN $1::timestamptz + make_interval(secs => deadline) END, NULLIF(on_deadline, ''),
                   decode(NULLIF(embedding, ''), 'base64'), CASE WHEN status = 'approved' THEN audit_rate END
            FROM unnest($3::uuid[], $4::text[], $5::text[], $6::text[], $7::bool[], $8::text[], $9::int8[], $10::text[],
                        $11::text[], $12::float8[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[], $18::text[],
                        $19::int8[], $20::text[], $21::text[], $22::float8[])
                 AS t(id, task, external_id, status, audit, queue_state, priority, input, output, confidence,
                      field_confidence, model, prompt_version, metadata, reasons, callback_url, deadline, on_deadline,
                      embedding, audit_rate)
            ON CONFLICT (task, external_id) WHERE external_id IS NOT NULL AND gold_id IS NULL DO NOTHING
            RETURNING id, task, status, audit, reasons
        ), history AS (
            -- One `intake` row, shown by the history API as `received` and `routed` (migration 0036).
            INSERT INTO item_events (item_id, event, actor, at, details)
            SELECT i.id, 'intake', $2, $1, jsonb_build_object('status', i.status, 'audit', i.audit, 'reasons', i.reasons)
            FROM inserted i
        ), outbox AS (
            -- The events table's trigger fans these out to webhook and callback deliveries.
            INSERT INTO events (event, task, item_id, actor, at)
            SELECT CASE WHEN i.status = 'approved' THEN 'item.decided' ELSE 'item.queued' END, i.task, i.id,
                   CASE WHEN i.status = 'approved' THEN 'auto' ELSE $2 END, $1
            FROM inserted i
        )
        SELECT id FROM inserted
        """

    let now: Date
    let actor: String
    var ids: WireArray<UUID>
    var tasks: WireArray<String>, externalIDs: WireArray<String>, statuses: WireArray<String>
    var audits: WireArray<Bool>
    var queued: WireArray<String>
    var priorities: WireArray<Int>
    /// JSON documents per item, NULL where absent.
    var inputs: JSONTextArray, outputs: JSONTextArray, fieldConfidences: JSONTextArray, metadata: JSONTextArray
    var reasons: JSONTextArray
    var confidences: WireArray<Double>
    var models: WireArray<String>, promptVersions: WireArray<String>
    var callbacks: WireArray<String>
    /// Seconds to each pending item's deadline (0 = none) and what happens then ("" = nothing).
    var deadlines: WireArray<Int>
    var onDeadline: WireArray<String>
    /// Each item's embedding as base64 little-endian float32s ("" = none).
    var embeddings: WireArray<String>
    /// The audit rate an approved item was sampled at (ignored for pending ones).
    var auditRates: WireArray<Double>

    /// The columns of `items`, in one pass: a map per column copied every item (a retain per field) twenty times over,
    /// and retain/release led the server's profile of batch intake. Empty strings stand for NULL in the plain text arrays
    /// (intake rejects empty strings for these fields); the JSON columns hold real NULLs.
    init(_ items: [RoutedItem], actor: String, now: Date) {
        self.now = now
        self.actor = actor
        let n = items.count
        inputs = JSONTextArray(capacity: n, bytesPerElement: 1024); outputs = JSONTextArray(capacity: n, bytesPerElement: 256)
        fieldConfidences = JSONTextArray(capacity: n); metadata = JSONTextArray(capacity: n); reasons = JSONTextArray(capacity: n)
        ids = .init(capacity: n); tasks = .init(capacity: n); externalIDs = .init(capacity: n); statuses = .init(capacity: n)
        audits = .init(capacity: n); queued = .init(capacity: n); priorities = .init(capacity: n)
        confidences = .init(capacity: n); models = .init(capacity: n); promptVersions = .init(capacity: n)
        callbacks = .init(capacity: n); deadlines = .init(capacity: n); onDeadline = .init(capacity: n)
        embeddings = .init(capacity: n); auditRates = .init(capacity: n)
        for item in items {
            let s = item.submission, routing = item.routing
            ids.append(item.id)
            tasks.append(s.task)
            externalIDs.append(s.externalID ?? "")
            statuses.append(routing.status.rawValue)
            audits.append(routing.audit)
            queued.append(routing.status == .pending || routing.audit ? "waiting" : "")
            priorities.append(s.priority)
            inputs.append(s.input)
            outputs.append(s.output)
            confidences.append(s.confidence)
            fieldConfidences.append(s.fieldConfidence.map(PostgresItemRepository.scores))
            models.append(s.model ?? "")
            promptVersions.append(s.promptVersion ?? "")
            metadata.append(s.metadata)
            reasons.append(routing.reasonsJSON)
            callbacks.append(s.callbackURL ?? "")
            deadlines.append(item.deadline?.seconds ?? 0)
            onDeadline.append(item.deadline?.action.rawValue ?? "")
            embeddings.append(s.embedding.map { Data($0.bytes).base64EncodedString() } ?? "")
            auditRates.append(routing.auditRate)
        }
    }

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 22)
        b.append(now); b.append(actor); b.append(ids); b.append(tasks); b.append(externalIDs); b.append(statuses)
        b.append(audits); b.append(queued); b.append(priorities); b.append(inputs); b.append(outputs); b.append(confidences)
        b.append(fieldConfidences); b.append(models); b.append(promptVersions); b.append(metadata); b.append(reasons)
        b.append(callbacks); b.append(deadlines); b.append(onDeadline)
        b.append(embeddings); b.append(auditRates)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> UUID { try row.decode(UUID.self) }
}
