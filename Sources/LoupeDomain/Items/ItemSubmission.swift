import Foundation
import LoupeJSON

/// One item as an upstream system posts it, checked field by field.
public struct ItemSubmission: Sendable {
    public var task: String
    public var externalID: String?
    public var input: JSONValue
    public var output: JSONValue
    public var confidence: Double
    public var fieldConfidence: [String: Double]?
    public var model: String?
    public var promptVersion: String?
    public var metadata: JSONValue?
    public var priority: Int
    /// Where `item.decided` for this item alone is sent, signed with the server's callback secret.
    public var callbackURL: String?
    /// Seconds until a queued item is decided or escalated by `onDeadline` (nil: the task's default).
    public var deadlineSeconds: Int?
    public var onDeadline: DeadlineAction?
    /// The input's embedding from the caller's own model, for few-shot search by meaning (the task fixes its length).
    public var embedding: Embedding?

    static let fields: Set<String> = [
        "task", "external_id", "input", "output", "confidence", "field_confidence", "model", "prompt_version",
        "metadata", "priority", "callback_url", "deadline_seconds", "on_deadline", "embedding",
    ]

    /// Parses one intake object; `field` prefixes names in errors (e.g. "items[3]").
    public static func parse(_ body: JSONValue, prefix: String = "", destinations: DestinationPolicy) throws(Problem) -> ItemSubmission {
        var r = try FieldReader(body, prefix: prefix)
        r.rejectUnknown(allowed: fields)
        let task = r.string("task", required: true, maxLength: 64)
        let externalID = r.string("external_id", maxLength: 256)
        let input = r.value("input", required: true)
        let output = r.value("output", required: true)
        let confidence = r.number("confidence", required: true, in: 0...1)
        let fieldConfidence = r.pointerScores("field_confidence")
        let model = r.string("model")
        let promptVersion = r.string("prompt_version")
        let metadata = r.object("metadata")
        let priority = r.integer("priority", in: -1000...1000) ?? 0
        let callbackURL = r.string("callback_url", maxLength: 2000)
        // Literal addresses are refused here; names are resolved and checked at every delivery.
        if let url = callbackURL, let refusal = destinations.check(url: url) { r.error("callback_url", refusal) }
        let deadline = r.integer("deadline_seconds", in: ItemDeadline.range)
        let onDeadline = r.choice("on_deadline", DeadlineAction.self)
        let embedding = Embedding.read("embedding", from: &r)
        guard r.errors.isEmpty, let task, let input, let output, let confidence else { throw Problem.invalid(r.errors) }
        var submission = ItemSubmission(task: task, externalID: externalID, input: input, output: output, confidence: confidence,
                                        fieldConfidence: fieldConfidence, model: model, promptVersion: promptVersion,
                                        metadata: metadata, priority: priority, callbackURL: callbackURL)
        submission.deadlineSeconds = deadline
        submission.onDeadline = onDeadline
        submission.embedding = embedding
        return submission
    }
}
