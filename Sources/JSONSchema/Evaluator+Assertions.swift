import LoupeJSON

extension Evaluator {
    /// The validation vocabulary: keywords that judge the instance itself.
    func assertions(_ ctx: Context) -> Bool {
        var valid = true
        func check(_ ok: Bool, _ keyword: String, _ message: @autoclosure () -> String) {
            if !ok {
                valid = false
                fail(ctx.collect, ctx.instancePath, ctx.schemaPath, keyword, message())
            }
        }
        let o = ctx.object
        let instance = ctx.instance
        if let type = o["type"] {
            let allowed: [String] = type.stringValue.map { [$0] } ?? type.arrayValue?.compactMap(\.stringValue) ?? []
            check(allowed.contains { matchesType(instance, $0) }, "type",
                  "expected \(allowed.joined(separator: " or ")), found \(instance.typeName)")
        }
        if case .array(let options) = o["enum"] ?? .null {
            check(options.contains(instance), "enum", "value is not one of \(JSONWriter.string(.array(options)))")
        }
        if let constant = o["const"] {
            check(constant == instance, "const", "value must be \(JSONWriter.string(constant))")
        }
        switch instance {
        case .number(let n): numberAssertions(n.value, o, check)
        case .string(let s): stringAssertions(s, o, check)
        case .array(let a):
            if let max = o["maxItems"]?.doubleValue { check(Double(a.count) <= max, "maxItems", "has \(a.count) items; at most \(JSONNumber(max).literal) allowed") }
            if let min = o["minItems"]?.doubleValue { check(Double(a.count) >= min, "minItems", "has \(a.count) items; at least \(JSONNumber(min).literal) required") }
            if o["uniqueItems"]?.boolValue == true {
                check(Set(a).count == a.count, "uniqueItems", "items must be unique")
            }
        case .object(let obj):
            if let max = o["maxProperties"]?.doubleValue { check(Double(obj.count) <= max, "maxProperties", "has \(obj.count) properties; at most \(JSONNumber(max).literal) allowed") }
            if let min = o["minProperties"]?.doubleValue { check(Double(obj.count) >= min, "minProperties", "has \(obj.count) properties; at least \(JSONNumber(min).literal) required") }
            if case .array(let required) = o["required"] ?? .null {
                for case .string(let name) in required where obj[name] == nil {
                    valid = false
                    fail(ctx.collect, ctx.at(name), ctx.schemaPath, "required",
                         "required property '\(name)' is missing")
                }
            }
            if case .object(let deps) = o["dependentRequired"] ?? .null {
                for (name, needs) in deps where obj[name] != nil {
                    for case .string(let other) in needs.arrayValue ?? [] where obj[other] == nil {
                        check(false, "dependentRequired", "property '\(other)' is required when '\(name)' is present")
                    }
                }
            }
        default: break
        }
        return valid
    }

    private func matchesType(_ instance: JSONValue, _ type: String) -> Bool {
        switch (type, instance) {
        case ("null", .null), ("boolean", .bool), ("number", .number), ("string", .string),
             ("array", .array), ("object", .object): true
        case ("integer", .number(let n)): n.isInteger
        default: false
        }
    }

    private func numberAssertions(_ v: Double, _ o: JSONObject, _ check: (Bool, String, @autoclosure () -> String) -> Void) {
        if let m = o["minimum"]?.doubleValue { check(v >= m, "minimum", "must be ≥ \(JSONNumber(m).literal)") }
        if let m = o["maximum"]?.doubleValue { check(v <= m, "maximum", "must be ≤ \(JSONNumber(m).literal)") }
        if let m = o["exclusiveMinimum"]?.doubleValue { check(v > m, "exclusiveMinimum", "must be > \(JSONNumber(m).literal)") }
        if let m = o["exclusiveMaximum"]?.doubleValue { check(v < m, "exclusiveMaximum", "must be < \(JSONNumber(m).literal)") }
        if let d = o["multipleOf"]?.doubleValue, d > 0 {
            check(Self.isMultiple(v, of: d), "multipleOf", "must be a multiple of \(JSONNumber(d).literal)")
        }
    }

    static func isMultiple(_ v: Double, of d: Double) -> Bool {
        let q = v / d
        guard q.isFinite else { return false }
        let r = q.rounded()
        return abs(q - r) <= 1e-9 * max(1, abs(q))
    }

    private func stringAssertions(_ s: String, _ o: JSONObject, _ check: (Bool, String, @autoclosure () -> String) -> Void) {
        let needsLength = o["maxLength"] != nil || o["minLength"] != nil
        let length = needsLength ? s.unicodeScalars.count : 0
        if let m = o["maxLength"]?.doubleValue { check(Double(length) <= m, "maxLength", "is \(length) characters long; at most \(JSONNumber(m).literal) allowed") }
        if let m = o["minLength"]?.doubleValue { check(Double(length) >= m, "minLength", "is \(length) characters long; at least \(JSONNumber(m).literal) required") }
        if let p = o["pattern"]?.stringValue {
            check(schema.regexes.matches(p, s) != false, "pattern", "does not match the pattern \(p)")
        }
        if schema.options.assertFormats, let f = o["format"]?.stringValue, let ok = Formats.check(f, s) {
            check(ok, "format", "is not a valid \(f)")
        }
    }
}
