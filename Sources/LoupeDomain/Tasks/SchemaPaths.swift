import LoupeJSON

/// Whether a schema declares the field a JSON Pointer names, following `properties`, `items`,
/// `prefixItems`, `additionalProperties` and `patternProperties` (any of them may hold it).
public enum SchemaPaths {
    /// The leaf fields a schema declares, as pointers with `*` for array elements (`/lines/*/amount`), following
    /// `properties` and `items` (at most 200 fields, 8 levels deep).
    public static func leaves(_ schema: JSONValue) -> [String] {
        var found: [String] = []
        func walk(_ node: JSONValue, _ pointer: String, depth: Int) {
            guard found.count < 200, depth < 8, case .object(let o) = node else { return }
            if case .object(let properties) = o["properties"] ?? .null, !properties.isEmpty {
                for (name, child) in properties { walk(child, JSONPointer.appending(pointer, name), depth: depth + 1) }
            } else if let items = o["items"], case .object = items {
                walk(items, pointer + "/*", depth: depth + 1)
            } else if !pointer.isEmpty {
                found.append(pointer)
            }
        }
        walk(schema, "", depth: 0)
        return found
    }


    public static func declares(_ schema: JSONValue, pointer: String) -> Bool {
        guard let tokens = JSONPointer.tokens(pointer) else { return false }
        return declares(schema, tokens[...], depth: 0)
    }

    private static func declares(_ schema: JSONValue, _ tokens: ArraySlice<String>, depth: Int) -> Bool {
        guard let token = tokens.first else { return true }
        guard depth < 32, case .object(let o) = schema else { return schema == .bool(true) }
        var next: [JSONValue] = []
        if let property = o["properties"]?[token] { next.append(property) }
        if let index = Int(token) {
            if let prefix = o["prefixItems"]?.arrayValue, prefix.indices.contains(index) { next.append(prefix[index]) }
            if let items = o["items"] { next.append(items) }
        }
        if case .object(let patterns) = o["patternProperties"] ?? .null, !patterns.isEmpty { next.append(contentsOf: patterns.map(\.value)) }
        if let extra = o["additionalProperties"], extra != .bool(false) { next.append(extra) }
        for key in ["allOf", "anyOf", "oneOf"] {
            for branch in o[key]?.arrayValue ?? [] where declares(branch, tokens, depth: depth + 1) { return true }
        }
        return next.contains { declares($0, tokens.dropFirst(), depth: depth + 1) }
    }
}
