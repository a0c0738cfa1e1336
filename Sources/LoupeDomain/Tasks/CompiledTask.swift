import JSONSchema

/// A task with its schema compiled once, as intake needs it on every item.
public struct CompiledTask: Sendable {
    public let definition: TaskDefinition
    public let schema: Schema

    public init(_ definition: TaskDefinition) {
        self.definition = definition
        self.schema = Schema(definition.outputSchema, options: .init(assertFormats: true, maxErrors: 20))
    }
}
