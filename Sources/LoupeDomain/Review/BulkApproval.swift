import Foundation
import LoupeJSON

/// Which waiting items of one task a bulk approval takes: prompt version, a confidence range, words in the input.
public struct BulkFilter: Sendable, Equatable {
    /// One action approves at most this many items: a larger set is a sign the filter is too wide.
    public static let maxItems = 1000
    public let task: String
    public var promptVersion: String?
    public var minConfidence: Double?
    public var maxConfidence: Double?
    public var text: String?

    public init(task: String, promptVersion: String? = nil, minConfidence: Double? = nil, maxConfidence: Double? = nil, text: String? = nil) {
        self.task = task
        self.promptVersion = promptVersion
        self.minConfidence = minConfidence
        self.maxConfidence = maxConfidence
        self.text = text
    }

    /// `POST /v1/review/bulk {task, prompt_version?, min_confidence?, max_confidence?, text?}`.
    public static func parse(_ body: JSONValue) throws(Problem) -> BulkFilter {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["task", "prompt_version", "min_confidence", "max_confidence", "text"])
        let task = r.string("task", required: true, maxLength: 64)
        if let task, !TaskDefinition.isValidName(task) { r.error("task", "is not a task name") }
        var filter = BulkFilter(task: task ?? "")
        filter.promptVersion = r.string("prompt_version", maxLength: 200)
        filter.minConfidence = r.number("min_confidence", in: 0...1)
        // A range with its ends swapped matches nothing, like any other range no item falls in.
        filter.maxConfidence = r.number("max_confidence", in: 0...1)
        filter.text = r.string("text", maxLength: 200)
        guard r.errors.isEmpty, task != nil else { throw Problem.invalid(r.errors) }
        return filter
    }

    public var json: JSONValue {
        ["task": .string(task), "prompt_version": promptVersion.map(JSONValue.string) ?? .null,
         "min_confidence": minConfidence.map(JSONValue.double) ?? .null, "max_confidence": maxConfidence.map(JSONValue.double) ?? .null,
         "text": text.map(JSONValue.string) ?? .null]
    }
}

/// A waiting item a filter matched, with what the preview shows of it.
public struct BulkCandidate: Sendable {
    public let id: UUID
    public let output: JSONValue
    public let confidence: Double
    public let excerpt: String

    public init(id: UUID, output: JSONValue, confidence: Double, excerpt: String) {
        self.id = id
        self.output = output
        self.confidence = confidence
        self.excerpt = excerpt
    }
}

/// Why an approval or undo of a bulk action did nothing.
public enum BulkRefusal: Error, Sendable, Equatable {
    case unknown, countMismatch(expected: Int), expired, alreadyApplied, notApplied, undoWindowPassed, taskChanged
}

/// Bulk approvals: previews with frozen ids, their application, and undo.
public protocol BulkApprovalRepository: Sendable {
    /// Up to `limit` waiting, undecided, non-audit items of the filter's task that match it, oldest first.
    func candidates(_ filter: BulkFilter, limit: Int) async throws -> [BulkCandidate]
    /// Freezes `ids` as a preview of `actor`.
    func freeze(id: UUID, actor: String, filter: BulkFilter, ids: [UUID], now: Date) async throws
    /// Approves the frozen items still waiting (each with its history row and `item.decided`) when `count` is the
    /// preview's and the preview is younger than `maxAge` and the task unchanged since; the number approved.
    func apply(id: UUID, actor: String, count: Int, maxAge: TimeInterval, now: Date) async throws -> Result<Int, BulkRefusal>
    /// Returns the items the action approved to the queue when it was applied less than `window` ago; the number returned.
    func undo(id: UUID, actor: String, window: TimeInterval, now: Date) async throws -> Result<Int, BulkRefusal>
}
