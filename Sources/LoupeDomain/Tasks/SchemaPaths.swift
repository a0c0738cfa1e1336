import LoupeJSON

/// Whether a schema declares the field a JSON Pointer names, following `properties`, `items`,
/// `prefixItems`, `additionalProperties` and `patternProperties` (any of them may hold it).
enum SchemaPaths {
    static func declares(_ schema: JSONValue, pointer: String) -> Bool {
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
