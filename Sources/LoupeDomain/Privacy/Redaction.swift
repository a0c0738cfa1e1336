import LoupeJSON

/// A task's `redact` list: JSON pointers into the submission (`/input/…`, `/output/…`, `/metadata/…`, with `*`
/// for every element or member) whose values are replaced before anything is stored.
public struct Redaction: Sendable, Equatable {
    public static let placeholder: JSONValue = "[redacted]"
    public static let roots: Set<String> = ["input", "output", "metadata"]
    public static let maxPointers = 100

    public let pointers: [String]

    public init(pointers: [String]) { self.pointers = pointers }

    /// Checks a `redact` value from a task body; messages name the bad pointer.
    public static func parse(_ value: JSONValue?, field: String, into reader: inout FieldReader) -> Redaction {
        guard let value, !value.isNull else { return Redaction(pointers: []) }
        guard case .array(let entries) = value, entries.count <= maxPointers else {
            reader.error(field, "must be an array of at most \(maxPointers) JSON pointers such as \"/input/customer/email\"")
            return Redaction(pointers: [])
        }
        var pointers: [String] = []
        for (index, entry) in entries.enumerated() {
            guard case .string(let pointer) = entry, let tokens = JSONPointer.tokens(pointer), let root = tokens.first,
                  roots.contains(root) else {
                reader.error("\(field)[\(index)]", "must be a JSON pointer starting with /input, /output or /metadata (\"*\" matches every element)")
                continue
            }
            pointers.append(pointer)
        }
        return Redaction(pointers: pointers)
    }

    /// The submission as it may be stored: every value a pointer reaches replaced by "[redacted]".
    public func apply(to submission: ItemSubmission) -> ItemSubmission {
        guard !pointers.isEmpty else { return submission }
        var redacted = submission
        for pointer in pointers {
            guard let tokens = JSONPointer.tokens(pointer), let root = tokens.first else { continue }
            let path = Array(tokens.dropFirst())
            switch root {
            case "input": redacted.input = Self.mask(redacted.input, path[...])
            case "output": redacted.output = Self.mask(redacted.output, path[...])
            default: redacted.metadata = redacted.metadata.map { Self.mask($0, path[...]) }
            }
        }
        return redacted
    }

    /// Replaces what `path` reaches in `value`; a path that reaches nothing changes nothing.
    static func mask(_ value: JSONValue, _ path: ArraySlice<String>) -> JSONValue {
        guard let token = path.first else { return placeholder }
        let rest = path.dropFirst()
        switch value {
        case .object(var object):
            if token == "*" {
                for key in object.keys { object[key] = mask(object[key]!, rest) }
            } else if let child = object[token] {
                object[token] = mask(child, rest)
            }
            return .object(object)
        case .array(var array):
            if token == "*" {
                for index in array.indices { array[index] = mask(array[index], rest) }
            } else if let index = Int(token), array.indices.contains(index) {
                array[index] = mask(array[index], rest)
            }
            return .array(array)
        default:
            return value
        }
    }
}
