import Foundation
import LoupeJSON

/// A reviewed input and its correct output, served to upstream systems as a few-shot example.
public struct Example: Sendable {
    public let id: UUID
    public let task: String
    public let sourceItem: UUID
    public let input: JSONValue
    /// The text similarity is computed on (a string input, or a JSON input's scalar values).
    public let inputText: String
    public let output: JSONValue
    public let kind: String
    public let promptVersion: String?
    public let model: String?
    public let reviewer: String
    public let enabled: Bool
    public let createdAt: Date
    /// Trigram similarity to the query (0…1), when there was one.
    public let score: Double?
    /// The share (0…1) of the query's word weight (inverse document frequency) the example holds, when there was a query.
    public let textCoverage: Double?

    public init(id: UUID, task: String, sourceItem: UUID, input: JSONValue, inputText: String, output: JSONValue, kind: String,
                promptVersion: String?, model: String?, reviewer: String, enabled: Bool, createdAt: Date, score: Double?,
                textCoverage: Double? = nil) {
        self.id = id
        self.task = task
        self.sourceItem = sourceItem
        self.input = input
        self.inputText = inputText
        self.output = output
        self.kind = kind
        self.promptVersion = promptVersion
        self.model = model
        self.reviewer = reviewer
        self.enabled = enabled
        self.createdAt = createdAt
        self.score = score
        self.textCoverage = textCoverage
    }

    /// The full record, for curation.
    public var json: JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        return ["id": .string(id.uuidString.lowercased()), "item_id": .string(sourceItem.uuidString.lowercased()),
                "task": .string(task), "input": input, "output": output, "kind": .string(kind),
                "prompt_version": opt(promptVersion), "model": opt(model), "reviewer": .string(reviewer),
                "enabled": .bool(enabled), "created_at": .string(Timestamp.string(createdAt))]
    }
}

/// Stored examples: similarity candidates, recency, curation.
public protocol ExampleRepository: Sendable {
    /// Up to `limit` enabled examples nearest to `query` (words in the task's language, and trigrams), nearest
    /// first; fewer than `atLeast` only when the task has no more.
    /// Examples in `also` are returned too (ranked wherever they fall), so a hybrid search knows their text coverage.
    func nearest(task: String, query: String, limit: Int, atLeast: Int, also: [UUID]) async throws -> [Example]
    /// The enabled examples among `ids`, in no particular order.
    func get(ids: [UUID]) async throws -> [Example]
    /// One page (by id, after `after`) of the embeddings of enabled examples of `task` that have one (only those in
    /// `ids`, if given).
    func embeddings(task: String, ids: [UUID]?, after: UUID?, limit: Int) async throws -> [(id: UUID, embedding: Embedding)]
    func recent(task: String, limit: Int) async throws -> [Example]
    func list(task: String, after: UUID?, limit: Int) async throws -> [Example]
    /// nil when there is no such example.
    func setEnabled(id: UUID, enabled: Bool) async throws -> Example?
}
