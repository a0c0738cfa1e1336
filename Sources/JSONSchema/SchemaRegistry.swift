import LoupeJSON

/// Every schema resource (`$id`) and anchor in a schema document, keyed by absolute URI.
struct SchemaRegistry: Sendable {
    struct Entry: Sendable {
        let schema: JSONValue
        /// The base URI in effect inside `schema` (its own `$id` already applied).
        let base: String
    }

    private(set) var resources: [String: Entry] = [:]
    private(set) var anchors: [String: Entry] = [:]
    private(set) var dynamicAnchors: Set<String> = []
    private(set) var patterns: Set<String> = []

    static let singleSchemaKeywords = [
        "additionalProperties", "unevaluatedProperties", "unevaluatedItems", "items", "contains",
        "propertyNames", "not", "if", "then", "else",
    ]
    static let arrayKeywords = ["allOf", "anyOf", "oneOf", "prefixItems"]
    static let mapKeywords = ["properties", "patternProperties", "$defs", "definitions", "dependentSchemas"]

    init(root: JSONValue, base: String) {
        resources[base] = Entry(schema: root, base: base)
        walk(root, base: base)
    }

    /// The base URI a schema establishes, given the base around it.
    static func base(of schema: JSONValue, outer: String) -> String {
        guard case .string(let id) = schema["$id"] ?? .null else { return outer }
        return URIReference.stripEmptyFragment(URIReference.resolve(id, against: outer))
    }

    private mutating func walk(_ schema: JSONValue, base outer: String) {
        guard case .object(let object) = schema else { return }
        let base = Self.base(of: schema, outer: outer)
        if base != outer { resources[base] = Entry(schema: schema, base: base) }
        if case .string(let anchor) = object["$anchor"] ?? .null {
            anchors[base + "#" + anchor] = Entry(schema: schema, base: base)
        }
        if case .string(let anchor) = object["$dynamicAnchor"] ?? .null {
            anchors[base + "#" + anchor] = Entry(schema: schema, base: base)
            dynamicAnchors.insert(base + "#" + anchor)
        }
        if case .string(let pattern) = object["pattern"] ?? .null { patterns.insert(pattern) }
        if case .object(let pp) = object["patternProperties"] ?? .null { patterns.formUnion(pp.keys) }
        for keyword in Self.singleSchemaKeywords {
            if let sub = object[keyword] { walk(sub, base: base) }
        }
        for keyword in Self.arrayKeywords {
            if case .array(let subs) = object[keyword] ?? .null { for sub in subs { walk(sub, base: base) } }
        }
        for keyword in Self.mapKeywords {
            if case .object(let subs) = object[keyword] ?? .null { for (_, sub) in subs { walk(sub, base: base) } }
        }
    }

    func isDynamicAnchor(_ uri: String) -> Bool { dynamicAnchors.contains(uri) }

    /// Resolves an absolute URI (with optional fragment) to a schema and the base inside it.
    func lookup(_ uri: String) -> Entry? {
        let (base, fragment) = URIReference.split(uri)
        guard let fragment, !fragment.isEmpty else { return resources[base] }
        if !fragment.hasPrefix("/") { return anchors[base + "#" + fragment] }
        guard let resource = resources[base], let tokens = JSONPointer.tokens(percentDecode(fragment)) else { return nil }
        var current = resource.schema
        var currentBase = resource.base
        for token in tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(token), a.indices.contains(i) else { return nil }
                current = a[i]
            default: return nil
            }
            currentBase = Self.base(of: current, outer: currentBase)
        }
        return Entry(schema: current, base: currentBase)
    }

    private func percentDecode(_ s: String) -> String {
        guard s.contains("%") else { return s }
        var bytes: [UInt8] = []
        var utf8 = Array(s.utf8)[...]
        while let b = utf8.popFirst() {
            if b == UInt8(ascii: "%"), utf8.count >= 2,
               let v = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
