import LoupeJSON

/// A schema of the everyday keywords compiled to typed nodes, for the yes/no question intake asks of every item.
///
/// The interpreter looks each of some forty keywords up by name in every subschema it enters, so checking a
/// five-property invoice cost more than parsing it: validation was 18% of the server's CPU in batch intake, most of it
/// lookups of keywords the schema does not have. A schema whose every subschema uses only the keywords below is
/// compiled once; any other keyword the interpreter reads (references, combinators, conditionals, `unevaluated*`, …)
/// leaves the whole schema to the interpreter. Errors are always explained by the interpreter; this only answers
/// whether there are any, and must answer exactly as it would (`CompiledCheckTests` holds both to the test suite).
final class CompiledCheck: Sendable {
    private let root: Node

    /// Keywords the interpreter reads that this does not handle: one anywhere means no compiled check.
    static let interpreted: Set<String> = [
        "$ref", "$dynamicRef", "allOf", "anyOf", "oneOf", "not", "if", "then", "else", "dependentSchemas",
        "dependentRequired", "patternProperties", "propertyNames", "prefixItems", "contains", "minContains", "maxContains",
        "unevaluatedProperties", "unevaluatedItems",
    ]
    /// Deeper schemas go to the interpreter, which owns the depth limit and its error.
    static let maxDepth = 64

    /// nil when the schema uses a keyword only the interpreter handles.
    init?(_ schema: JSONValue) {
        guard let root = Node.compile(schema, depth: 0) else { return nil }
        self.root = root
    }

    func accepts(_ instance: JSONValue, regexes: RegexCache, assertFormats: Bool) -> Bool {
        root.accepts(instance, Env(regexes: regexes, assertFormats: assertFormats))
    }

    struct Env {
        let regexes: RegexCache
        let assertFormats: Bool
    }

    /// The JSON types a `type` keyword allows.
    struct Types: OptionSet {
        let rawValue: UInt8
        static let null = Types(rawValue: 1), boolean = Types(rawValue: 2), number = Types(rawValue: 4)
        static let integer = Types(rawValue: 8), string = Types(rawValue: 16), array = Types(rawValue: 32)
        static let object = Types(rawValue: 64)

        init(rawValue: UInt8) { self.rawValue = rawValue }

        /// As the interpreter reads `type`: a name or an array of names; anything else allows nothing.
        init(_ keyword: JSONValue) {
            let names = keyword.stringValue.map { [$0] } ?? keyword.arrayValue?.compactMap(\.stringValue) ?? []
            var set: Types = []
            for name in names {
                switch name {
                case "null": set.insert(.null)
                case "boolean": set.insert(.boolean)
                case "number": set.insert(.number)
                case "integer": set.insert(.integer)
                case "string": set.insert(.string)
                case "array": set.insert(.array)
                case "object": set.insert(.object)
                default: break
                }
            }
            self = set
        }

        func allows(_ instance: JSONValue) -> Bool {
            switch instance {
            case .null: contains(.null)
            case .bool: contains(.boolean)
            case .number(let n): contains(.number) || (contains(.integer) && n.isInteger)
            case .string: contains(.string)
            case .array: contains(.array)
            case .object: contains(.object)
            }
        }
    }

    /// One subschema. Fields mirror the interpreter's reading of each keyword, including what it ignores (a bound that
    /// is not a number, `enum` that is not an array).
    final class Node: Sendable {
        /// A boolean schema, or a value that is no schema at all (which the interpreter accepts).
        let constant: Bool?
        let types: Types?
        let enumValues: [JSONValue]?
        let const: JSONValue?
        let minimum: JSONNumber?, maximum: JSONNumber?, exclusiveMinimum: JSONNumber?, exclusiveMaximum: JSONNumber?
        let multipleOf: JSONNumber?
        let minLength: Double?, maxLength: Double?
        let pattern: String?, format: String?
        let minItems: Double?, maxItems: Double?
        let uniqueItems: Bool
        let items: Node?
        let minProperties: Double?, maxProperties: Double?
        let required: [String]
        let properties: [String: Node]
        let additionalProperties: Node?

        private init(constant: Bool) {
            self.constant = constant
            types = nil; enumValues = nil; const = nil
            minimum = nil; maximum = nil; exclusiveMinimum = nil; exclusiveMaximum = nil; multipleOf = nil
            minLength = nil; maxLength = nil; pattern = nil; format = nil
            minItems = nil; maxItems = nil; uniqueItems = false; items = nil
            minProperties = nil; maxProperties = nil; required = []; properties = [:]; additionalProperties = nil
        }

        private init(_ o: JSONObject, items: Node?, properties: [String: Node], additionalProperties: Node?) {
            constant = nil
            types = o["type"].map { Types($0) }
            enumValues = o["enum"]?.arrayValue
            const = o["const"]
            func number(_ keyword: String) -> JSONNumber? { if case .number(let n) = o[keyword] ?? .null { n } else { nil } }
            minimum = number("minimum"); maximum = number("maximum")
            exclusiveMinimum = number("exclusiveMinimum"); exclusiveMaximum = number("exclusiveMaximum")
            multipleOf = number("multipleOf").flatMap { $0.value > 0 ? $0 : nil }
            minLength = o["minLength"]?.doubleValue; maxLength = o["maxLength"]?.doubleValue
            pattern = o["pattern"]?.stringValue; format = o["format"]?.stringValue
            minItems = o["minItems"]?.doubleValue; maxItems = o["maxItems"]?.doubleValue
            uniqueItems = o["uniqueItems"]?.boolValue == true
            minProperties = o["minProperties"]?.doubleValue; maxProperties = o["maxProperties"]?.doubleValue
            required = o["required"]?.arrayValue?.compactMap(\.stringValue) ?? []
            self.items = items
            self.properties = properties
            self.additionalProperties = additionalProperties
        }

        static func compile(_ schema: JSONValue, depth: Int) -> Node? {
            guard case .object(let o) = schema else {
                if case .bool(let b) = schema { return Node(constant: b) }
                return Node(constant: true)
            }
            guard depth < CompiledCheck.maxDepth, !o.contains(where: { interpreted.contains($0.key) }) else { return nil }
            var items: Node?
            if let sub = o["items"] { guard let node = compile(sub, depth: depth + 1) else { return nil }; items = node }
            var additional: Node?
            if let sub = o["additionalProperties"] {
                guard let node = compile(sub, depth: depth + 1) else { return nil }
                additional = node
            }
            var properties: [String: Node] = [:]
            if case .object(let members) = o["properties"] ?? .null {
                for (name, sub) in members {
                    guard let node = compile(sub, depth: depth + 1) else { return nil }
                    properties[name] = node
                }
            }
            return Node(o, items: items, properties: properties, additionalProperties: additional)
        }

        func accepts(_ instance: JSONValue, _ env: Env) -> Bool {
            if let constant { return constant }
            if let types, !types.allows(instance) { return false }
            if let enumValues, !enumValues.contains(instance) { return false }
            if let const, const != instance { return false }
            switch instance {
            case .number(let n): return acceptsNumber(n)
            case .string(let s): return acceptsString(s, env)
            case .array(let a): return acceptsArray(a, env)
            case .object(let o): return acceptsObject(o, env)
            default: return true
            }
        }

        private func acceptsNumber(_ n: JSONNumber) -> Bool {
            if let m = minimum, Evaluator.compare(n, m) < 0 { return false }
            if let m = maximum, Evaluator.compare(n, m) > 0 { return false }
            if let m = exclusiveMinimum, Evaluator.compare(n, m) <= 0 { return false }
            if let m = exclusiveMaximum, Evaluator.compare(n, m) >= 0 { return false }
            if let d = multipleOf, !(n.exact.isMultiple(of: d.exact) ?? Evaluator.isMultiple(n.value, of: d.value)) { return false }
            return true
        }

        private func acceptsString(_ s: String, _ env: Env) -> Bool {
            if minLength != nil || maxLength != nil {
                let length = Double(s.unicodeScalars.count)
                if let m = maxLength, length > m { return false }
                if let m = minLength, length < m { return false }
            }
            if let pattern {
                switch env.regexes.search(pattern, s) {
                case .noMatch, .tooExpensive: return false
                case .match, nil: break
                }
            }
            if env.assertFormats, let format, Formats.check(format, s) == false { return false }
            return true
        }

        private func acceptsArray(_ a: [JSONValue], _ env: Env) -> Bool {
            if let m = maxItems, Double(a.count) > m { return false }
            if let m = minItems, Double(a.count) < m { return false }
            if uniqueItems, Set(a).count != a.count { return false }
            if let items { return a.allSatisfy { items.accepts($0, env) } }
            return true
        }

        private func acceptsObject(_ o: JSONObject, _ env: Env) -> Bool {
            if let m = maxProperties, Double(o.count) > m { return false }
            if let m = minProperties, Double(o.count) < m { return false }
            for name in required where o[name] == nil { return false }
            for (name, value) in o {
                if let sub = properties[name] {
                    if !sub.accepts(value, env) { return false }
                } else if let additionalProperties, !additionalProperties.accepts(value, env) {
                    return false
                }
            }
            return true
        }
    }
}
