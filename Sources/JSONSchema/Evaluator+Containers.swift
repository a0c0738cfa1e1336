import LoupeJSON

extension Evaluator {
    func objectApplicators(_ ctx: Context) -> Outcome {
        guard case .object(let inst) = ctx.instance else { return Outcome(valid: true, annotations: .init()) }
        var valid = true
        var seen = Set<String>()
        let track = schema.tracksAnnotations
        let properties = ctx.object["properties"]?.objectValue
        let patterns = ctx.object["patternProperties"]?.objectValue
        for (name, value) in inst {
            let path = ctx.at(name)
            var matched = false
            if let sub = properties?[name] {
                matched = true
                if child(sub, value, ctx, schemaPath: ctx.sub("properties", name), instancePath: path).valid {
                    if track { seen.insert(name) }
                } else { valid = false }
            }
            if let patterns {
                for (pattern, sub) in patterns where schema.regexes.matches(pattern, name) == true {
                    matched = true
                    if child(sub, value, ctx, schemaPath: ctx.sub("patternProperties", pattern), instancePath: path).valid {
                        if track { seen.insert(name) }
                    } else { valid = false }
                }
            }
            if !matched, let sub = ctx.object["additionalProperties"] {
                if case .bool(false) = sub {
                    valid = false
                    fail(ctx.collect, path, ctx.schemaPath, "additionalProperties", "property '\(name)' is not allowed")
                } else if child(sub, value, ctx, schemaPath: ctx.sub("additionalProperties"), instancePath: path).valid {
                    if track { seen.insert(name) }
                } else { valid = false }
            }
            if let sub = ctx.object["propertyNames"] {
                if !child(sub, .string(name), ctx, schemaPath: ctx.sub("propertyNames"), instancePath: path, collect: false).valid {
                    valid = false
                    fail(ctx.collect, path, ctx.schemaPath, "propertyNames", "property name '\(name)' is not allowed")
                }
            }
        }
        return Outcome(valid: valid, annotations: Annotations(properties: seen))
    }

    func arrayApplicators(_ ctx: Context) -> Outcome {
        guard case .array(let items) = ctx.instance else { return Outcome(valid: true, annotations: .init()) }
        var valid = true
        var annotations = Annotations()
        var prefixCount = 0
        if case .array(let prefix) = ctx.object["prefixItems"] ?? .null {
            prefixCount = min(prefix.count, items.count)
            for i in 0..<prefixCount {
                if !child(prefix[i], items[i], ctx, schemaPath: ctx.sub("prefixItems", i),
                          instancePath: ctx.at(i)).valid { valid = false }
                if schema.tracksAnnotations { annotations.items.insert(i) }
            }
        }
        if let sub = ctx.object["items"] {
            for i in prefixCount..<max(prefixCount, items.count) {
                let path = ctx.at(i)
                if case .bool(false) = sub {
                    valid = false
                    fail(ctx.collect, path, ctx.schemaPath, "items", "no item is allowed at index \(i)")
                } else if !child(sub, items[i], ctx, schemaPath: ctx.sub("items"), instancePath: path).valid { valid = false }
            }
            annotations.allItems = true
        }
        if let sub = ctx.object["contains"] {
            var matches = 0
            for (i, item) in items.enumerated()
            where child(sub, item, ctx, schemaPath: ctx.sub("contains"), instancePath: ctx.at(i), collect: false).valid {
                matches += 1
                if schema.tracksAnnotations { annotations.items.insert(i) }
            }
            let minimum = ctx.object["minContains"]?.doubleValue ?? 1
            if Double(matches) < minimum {
                valid = false
                fail(ctx.collect, ctx.instancePath, ctx.schemaPath, ctx.object["minContains"] == nil ? "contains" : "minContains",
                     "contains \(matches) matching item(s); at least \(JSONNumber(minimum).literal) required")
            }
            if let maximum = ctx.object["maxContains"]?.doubleValue, Double(matches) > maximum {
                valid = false
                fail(ctx.collect, ctx.instancePath, ctx.schemaPath, "maxContains",
                     "contains \(matches) matching items; at most \(JSONNumber(maximum).literal) allowed")
            }
        }
        return Outcome(valid: valid, annotations: annotations)
    }

    func unevaluatedProperties(_ ctx: Context, _ annotations: Annotations) -> Outcome {
        guard let sub = ctx.object["unevaluatedProperties"], case .object(let inst) = ctx.instance else {
            return Outcome(valid: true, annotations: .init())
        }
        var valid = true
        var seen = Set<String>()
        for (name, value) in inst where !annotations.properties.contains(name) {
            let path = ctx.at(name)
            if child(sub, value, ctx, schemaPath: ctx.sub("unevaluatedProperties"), instancePath: path, collect: false).valid {
                seen.insert(name)
            } else {
                valid = false
                fail(ctx.collect, path, ctx.schemaPath, "unevaluatedProperties", "property '\(name)' is not allowed here")
            }
        }
        return Outcome(valid: valid, annotations: Annotations(properties: seen))
    }

    func unevaluatedItems(_ ctx: Context, _ annotations: Annotations) -> Outcome {
        guard let sub = ctx.object["unevaluatedItems"], case .array(let items) = ctx.instance, !annotations.allItems else {
            return Outcome(valid: true, annotations: .init())
        }
        var valid = true
        for (i, item) in items.enumerated() where !annotations.items.contains(i) {
            let path = ctx.at(i)
            if !child(sub, item, ctx, schemaPath: ctx.sub("unevaluatedItems"), instancePath: path, collect: false).valid {
                valid = false
                fail(ctx.collect, path, ctx.schemaPath, "unevaluatedItems", "item \(i) is not allowed here")
            }
        }
        return Outcome(valid: valid, annotations: Annotations(allItems: true))
    }
}
