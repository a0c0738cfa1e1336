import Foundation
import LoupeDomain
import LoupeJSON
import PostgresNIO

/// The bound columns of intake's statement (`IntakeSQL`), one array per column of `items`.
struct IntakeColumns: Sendable {
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

    func bindings() -> PostgresBindings {
        var b = PostgresBindings(capacity: 22)
        b.append(now); b.append(actor); b.append(ids); b.append(tasks); b.append(externalIDs); b.append(statuses)
        b.append(audits); b.append(queued); b.append(priorities); b.append(inputs); b.append(outputs); b.append(confidences)
        b.append(fieldConfidences); b.append(models); b.append(promptVersions); b.append(metadata); b.append(reasons)
        b.append(callbacks); b.append(deadlines); b.append(onDeadline)
        b.append(embeddings); b.append(auditRates)
        return b
    }
}
