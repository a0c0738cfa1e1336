import LoupeJSON

/// Structural checks for a schema an admin submits: wrong keyword types, bad regexes,
/// unresolvable references. Each problem names the schema location.
public enum SchemaCheck {
    public static func problems(in root: JSONValue) -> [String] {
        var problems: [String] = []
        let schema = Schema(root)
        walk(root, base: schema.rootBase, path: "", schema: schema, into: &problems)
        return problems
    }

    private static let typeNames: Set<String> = ["null", "boolean", "object", "array", "number", "string", "integer"]
    private static let nonNegativeIntegers = ["maxLength", "minLength", "maxItems", "minItems", "maxContains", "minContains",
                                             "maxProperties", "minProperties"]
    private static let numbers = ["minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"]

    private static func walk(_ node: JSONValue, base outer: String, path: String, schema: Schema, into problems: inout [String]) {
        let at = path.isEmpty ? "the schema root" : path
        guard case .object(let o) = node else {
            if case .bool = node { return }
            problems.append("\(at) must be an object or a boolean, not \(node.typeName)")
            return
        }
        let base = SchemaRegistry.base(of: node, outer: outer)
        if let type = o["type"] {
            let names = type.stringValue.map { [$0] } ?? type.arrayValue?.map { $0.stringValue ?? "?" } ?? ["?"]
            for name in names where !typeNames.contains(name) {
                problems.append("\(path)/type: '\(name)' is not a JSON Schema type (use one of \(typeNames.sorted().joined(separator: ", ")))")
            }
        }
        for k in nonNegativeIntegers {
            if let v = o[k], !(v.doubleValue.map { $0 >= 0 && $0 == $0.rounded() } ?? false) {
                problems.append("\(path)/\(k) must be a non-negative integer")
            }
        }
        for k in numbers where o[k] != nil && o[k]?.doubleValue == nil { problems.append("\(path)/\(k) must be a number") }
        if let v = o["multipleOf"], !(v.doubleValue.map { $0 > 0 } ?? false) { problems.append("\(path)/multipleOf must be a number > 0") }
        if let v = o["required"], !(v.arrayValue?.allSatisfy { $0.stringValue != nil } ?? false) {
            problems.append("\(path)/required must be an array of property names")
        }
        if let v = o["enum"], v.arrayValue == nil { problems.append("\(path)/enum must be an array") }
        if let p = o["pattern"] {
            if let s = p.stringValue, !RegexCache.isValidPattern(s) { problems.append("\(path)/pattern: '\(s)' is not a valid regular expression") }
            if p.stringValue == nil { problems.append("\(path)/pattern must be a string") }
        }
        for k in ["$ref", "$dynamicRef"] {
            guard let v = o[k] else { continue }
            guard let ref = v.stringValue else { problems.append("\(path)/\(k) must be a string"); continue }
            if schema.registry.lookup(URIReference.resolve(ref, against: base)) == nil {
                problems.append("\(path)/\(k): cannot resolve '\(ref)' (only references within this schema are supported)")
            }
        }
        for k in SchemaRegistry.singleSchemaKeywords {
            if let sub = o[k] { walk(sub, base: base, path: path + "/" + k, schema: schema, into: &problems) }
        }
        for k in SchemaRegistry.arrayKeywords {
            guard let v = o[k] else { continue }
            guard let subs = v.arrayValue else { problems.append("\(path)/\(k) must be an array of schemas"); continue }
            for (i, sub) in subs.enumerated() { walk(sub, base: base, path: "\(path)/\(k)/\(i)", schema: schema, into: &problems) }
        }
        for k in SchemaRegistry.mapKeywords {
            guard let v = o[k] else { continue }
            guard let subs = v.objectValue else { problems.append("\(path)/\(k) must be an object of schemas"); continue }
            for (name, sub) in subs {
                if k == "patternProperties", !RegexCache.isValidPattern(name) {
                    problems.append("\(path)/patternProperties: '\(name)' is not a valid regular expression")
                }
                walk(sub, base: base, path: "\(path)/\(k)/\(JSONPointer.escape(name))", schema: schema, into: &problems)
            }
        }
    }
}
