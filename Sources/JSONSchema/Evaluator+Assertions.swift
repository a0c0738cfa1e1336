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
        case .number(let n): numberAssertions(n, o, check)
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

    /// Bounds and multipleOf compare exact decimals: `10.0000000000000001` is above a maximum of 10.
    private func numberAssertions(_ n: JSONNumber, _ o: JSONObject, _ check: (Bool, String, @autoclosure () -> String) -> Void) {
        if case .number(let m) = o["minimum"] ?? .null { check(Self.compare(n, m) >= 0, "minimum", "must be ≥ \(m.literal)") }
        if case .number(let m) = o["maximum"] ?? .null { check(Self.compare(n, m) <= 0, "maximum", "must be ≤ \(m.literal)") }
        if case .number(let m) = o["exclusiveMinimum"] ?? .null { check(Self.compare(n, m) > 0, "exclusiveMinimum", "must be > \(m.literal)") }
        if case .number(let m) = o["exclusiveMaximum"] ?? .null { check(Self.compare(n, m) < 0, "exclusiveMaximum", "must be < \(m.literal)") }
        if case .number(let d) = o["multipleOf"] ?? .null, d.value > 0 {
            let exact = n.exact.isMultiple(of: d.exact) ?? Self.isMultiple(n.value, of: d.value)
            check(exact, "multipleOf", "must be a multiple of \(d.literal)")
        }
    }

    /// -1, 0 or 1. Rounding to double is monotonic, so unequal doubles already decide; only a tie reads the literals.
    static func compare(_ a: JSONNumber, _ b: JSONNumber) -> Int {
        if a.value.isFinite, b.value.isFinite, a.value != b.value { return a.value < b.value ? -1 : 1 }
        let x = a.exact, y = b.exact
        return x == y ? 0 : (x < y ? -1 : 1)
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
            switch schema.regexes.search(p, s) {
            case .noMatch: check(false, "pattern", "does not match the pattern \(p)")
            case .tooExpensive:
                check(false, "pattern", "could not be checked against the pattern \(p) within its work limit; simplify the pattern (e.g. no nested quantifiers)")
            case .match, nil: break
            }
        }
        if schema.options.assertFormats, let f = o["format"]?.stringValue, let ok = Formats.check(f, s) {
            check(ok, "format", "is not a valid \(f)")
        }
    }
}
