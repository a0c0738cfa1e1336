import Foundation
import LoupeJSON

/// A gold item as a lead posts it (`POST /v1/tasks/{name}/gold`): an input whose right output is known, and the item
/// reviewers are shown, which should look like the task's real items.
public struct GoldSubmission: Sendable {
    public var externalID: String?
    public var input: JSONValue
    /// The known right output.
    public var answer: JSONValue
    /// What reviewers are shown as the model's output (default: the right one), e.g. with the mistakes they should catch.
    public var shownOutput: JSONValue
    public var confidence: Double
    public var fieldConfidence: [String: Double]?
    public var model: String?
    public var promptVersion: String?
    public var metadata: JSONValue?

    static let fields: Set<String> = [
        "input", "output", "external_id", "shown_output", "confidence", "field_confidence", "model", "prompt_version", "metadata",
    ]

    /// Parses and checks a body against the task: the right output must be valid against the task's schema. Without a
    /// `confidence`, one is drawn below the task's threshold, as a queued item's would be.
    public static func parse(_ body: JSONValue, task: CompiledTask) throws(Problem) -> GoldSubmission {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: fields)
        let externalID = r.string("external_id", maxLength: 256)
        let input = r.value("input", required: true)
        let answer = r.value("output", required: true)
        let shown = r.value("shown_output", required: false)
        let confidence = r.number("confidence", in: 0...1)
        let fieldConfidence = r.pointerScores("field_confidence")
        let model = r.string("model")
        let promptVersion = r.string("prompt_version")
        let metadata = r.object("metadata")
        if let answer {
            for error in task.schema.validate(answer) {
                r.error("output" + error.instancePath, "the right output must be valid against the task's schema: \(error.message) (\(error.keyword))")
            }
        }
        guard r.errors.isEmpty, let input, let answer else { throw Problem.invalid(r.errors) }
        let threshold = task.definition.threshold
        let drawn = threshold <= 0 ? 0 : (Double.random(in: max(0, threshold - 0.3)..<threshold) * 100).rounded(.down) / 100
        return GoldSubmission(externalID: externalID, input: input, answer: answer, shownOutput: shown.flatMap { $0.isNull ? nil : $0 } ?? answer,
                              confidence: confidence ?? drawn, fieldConfidence: fieldConfidence, model: model,
                              promptVersion: promptVersion, metadata: metadata)
    }

    /// The reasons intake would give for queueing this item, so its copies carry the same kind as real ones.
    public func reasons(task: CompiledTask) -> JSONValue {
        let item = ItemSubmission(task: task.definition.name, externalID: externalID, input: input, output: shownOutput,
                                  confidence: confidence, fieldConfidence: fieldConfidence, model: model,
                                  promptVersion: promptVersion, metadata: metadata, priority: 0, callbackURL: nil)
        var reasons = Routing.route(item, id: UUID(), task: task).reasons
        if reasons.isEmpty {
            // Confident and valid: intake would have approved it, so the reason it waits is the only one a queued item has.
            reasons = [.belowThreshold(confidence: JSONNumber(confidence), threshold: task.threshold)]
        }
        return .array(reasons.map(\.json))
    }
}

/// A gold item as leads and analysts see it, with how it has been answered.
public struct GoldItem: Sendable {
    public let id: UUID
    public let externalID: String?
    public let input: JSONValue
    public let answer: JSONValue
    public let shownOutput: JSONValue
    public let confidence: Double
    public let createdBy: String
    public let createdAt: Date
    public let retiredAt: Date?
    /// Reviewers it was served to, answers given, and answers exactly right.
    public let served: Int
    public let answered: Int
    public let right: Int

    public init(id: UUID, externalID: String?, input: JSONValue, answer: JSONValue, shownOutput: JSONValue, confidence: Double,
                createdBy: String, createdAt: Date, retiredAt: Date?, served: Int, answered: Int, right: Int) {
        (self.id, self.externalID, self.input, self.answer, self.shownOutput) = (id, externalID, input, answer, shownOutput)
        (self.confidence, self.createdBy, self.createdAt, self.retiredAt) = (confidence, createdBy, createdAt, retiredAt)
        (self.served, self.answered, self.right) = (served, answered, right)
    }

    public var json: JSONValue {
        ["id": .string(id.uuidString.lowercased()), "external_id": externalID.map(JSONValue.string) ?? .null, "input": input,
         "output": answer, "shown_output": shownOutput, "confidence": .double(confidence), "created_by": .string(createdBy),
         "created_at": .string(Timestamp.string(createdAt)), "retired_at": retiredAt.map { .string(Timestamp.string($0)) } ?? .null,
         "served": .int(served), "answered": .int(answered),
         "accuracy": answered > 0 ? .double((Double(right) / Double(answered) * 10000).rounded() / 10000) : .null]
    }
}

/// Gold items of a task.
public protocol GoldRepository: Sendable {
    /// Stores a gold item; an `external_id` the task's gold items already have returns that one (created: false).
    func create(_ gold: GoldSubmission, task: String, reasons: JSONValue, actor: String, now: Date) async throws -> (id: UUID, created: Bool)
    func list(task: String) async throws -> [GoldItem]
    /// Stops serving it (answers given stay counted); false if the task has no such gold item.
    func retire(task: String, id: UUID, now: Date) async throws -> Bool
}
