/// One reason an instance fails a schema: where in the instance, which keyword, and why.
public struct ValidationError: Error, Sendable, Hashable, CustomStringConvertible {
    /// JSON Pointer into the validated instance ("" is the root).
    public let instancePath: String
    /// The failing keyword, e.g. "required" or "type".
    public let keyword: String
    /// JSON Pointer into the schema to the failing keyword.
    public let schemaPath: String
    public let message: String

    public var description: String {
        "\(instancePath.isEmpty ? "/" : instancePath): \(message) (\(keyword))"
    }
}
