import JSONSchema
import LoupeJSON

/// A task with its schema compiled once, as intake needs it on every item.
public struct CompiledTask: Sendable {
    public let definition: TaskDefinition
    public let schema: Schema
    /// The threshold and the field thresholds (by pointer, in order) as JSON numbers, whose digits every queued item's
    /// reasons repeat: written once per task, not twice per item.
    public let threshold: JSONNumber
    public let fieldThresholds: [(pointer: String, limit: JSONNumber)]

    public init(_ definition: TaskDefinition) {
        self.definition = definition
        self.threshold = JSONNumber(definition.threshold)
        self.fieldThresholds = definition.fieldThresholds.keys.sorted().map { ($0, JSONNumber(definition.fieldThresholds[$0]!)) }
        self.schema = Schema(definition.outputSchema, options: .init(assertFormats: true, maxErrors: 20))
    }
}
