import LoupeJSON

/// Which properties and items some subschema evaluated successfully (for `unevaluated*`).
struct Annotations {
    var properties: Set<String> = []
    var items: Set<Int> = []
    var allItems = false

    mutating func merge(_ other: Annotations) {
        properties.formUnion(other.properties)
        items.formUnion(other.items)
        allItems = allItems || other.allItems
    }
}

/// The outcome of evaluating one schema against one instance location.
struct Outcome {
    var valid: Bool
    var annotations: Annotations
}

/// One validation run: walks schema and instance together, collecting errors when asked.
final class Evaluator {
    let schema: Schema
    var errors: [ValidationError] = []
    /// Base URIs of the schema resources entered, outermost first (for `$dynamicRef`).
    var dynamicScope: [String] = []
    var depth = 0
    static let maxDepth = 256

    init(schema: Schema) { self.schema = schema }

    func fail(_ collect: Bool, _ instancePath: String, _ schemaPath: String, _ keyword: String, _ message: String) {
        guard collect, errors.count < schema.options.maxErrors else { return }
        errors.append(ValidationError(instancePath: instancePath, keyword: keyword,
                                      schemaPath: schemaPath + "/" + keyword, message: message))
    }

    func evaluate(
        _ node: JSONValue, _ instance: JSONValue, base outer: String, idResolved: Bool,
        instancePath: String, schemaPath: String, collect: Bool
    ) -> Outcome {
        switch node {
        case .bool(true): return Outcome(valid: true, annotations: .init())
        case .bool(false):
            fail(collect, instancePath, schemaPath, "false", "no value is allowed here")
            return Outcome(valid: false, annotations: .init())
        case .object(let object):
            depth += 1
            defer { depth -= 1 }
            guard depth < Self.maxDepth else {
                fail(collect, instancePath, schemaPath, "$ref", "schema recursion is too deep (a reference loop?)")
                return Outcome(valid: false, annotations: .init())
            }
            let base = idResolved ? outer : SchemaRegistry.base(of: node, outer: outer)
            let pushed = dynamicScope.last != base
            if pushed { dynamicScope.append(base) }
            defer { if pushed { dynamicScope.removeLast() } }
            let ctx = Context(object: object, instance: instance, base: base, instancePath: instancePath,
                              schemaPath: schemaPath, collect: collect)
            return evaluateObject(ctx)
        default:
            return Outcome(valid: true, annotations: .init())
        }
    }

    /// Everything one keyword evaluation needs to know about where it is.
    struct Context {
        let object: JSONObject
        let instance: JSONValue
        let base: String
        let instancePath: String
        let schemaPath: String
        let collect: Bool

        // Paths only go into error messages, so they are not built when nothing is collected.
        func sub(_ keyword: String) -> String { collect ? schemaPath + "/" + keyword : "" }
        func sub(_ keyword: String, _ token: String) -> String { collect ? schemaPath + "/" + keyword + "/" + JSONPointer.escape(token) : "" }
        func sub(_ keyword: String, _ index: Int) -> String { collect ? schemaPath + "/" + keyword + "/" + String(index) : "" }
        func at(_ name: String) -> String { collect ? JSONPointer.appending(instancePath, name) : "" }
        func at(_ index: Int) -> String { collect ? JSONPointer.appending(instancePath, index) : "" }
    }

    func child(_ node: JSONValue, _ instance: JSONValue, _ ctx: Context, schemaPath: String,
               instancePath: String? = nil, collect: Bool? = nil) -> Outcome {
        evaluate(node, instance, base: ctx.base, idResolved: false, instancePath: instancePath ?? ctx.instancePath,
                 schemaPath: schemaPath, collect: collect ?? ctx.collect)
    }

    private func evaluateObject(_ ctx: Context) -> Outcome {
        var valid = true
        var annotations = Annotations()
        func take(_ outcome: Outcome, keepAnnotations: Bool = false) {
            if outcome.valid || keepAnnotations { annotations.merge(outcome.annotations) }
            if !outcome.valid { valid = false }
        }
        take(references(ctx))
        take(combinators(ctx))
        take(conditionals(ctx))
        // Their annotations list only the members that passed, so one failing member
        // does not make its passing siblings look unevaluated.
        if case .object = ctx.instance { take(objectApplicators(ctx), keepAnnotations: true) }
        if case .array = ctx.instance { take(arrayApplicators(ctx), keepAnnotations: true) }
        if !assertions(ctx) { valid = false }
        // unevaluated* must see every annotation gathered above, so they run last.
        if case .object = ctx.instance { take(unevaluatedProperties(ctx, annotations)) }
        if case .array = ctx.instance { take(unevaluatedItems(ctx, annotations)) }
        return Outcome(valid: valid, annotations: annotations)
    }

    private func references(_ ctx: Context) -> Outcome {
        var outcome = Outcome(valid: true, annotations: .init())
        if case .string(let ref) = ctx.object["$ref"] ?? .null {
            let uri = URIReference.resolve(ref, against: ctx.base)
            outcome = follow(schema.registry.lookup(uri), ref: ref, keyword: "$ref", ctx)
        }
        if case .string(let ref) = ctx.object["$dynamicRef"] ?? .null {
            let uri = URIReference.resolve(ref, against: ctx.base)
            var target = schema.registry.lookup(uri)
            if let fragment = URIReference.split(uri).fragment, !fragment.hasPrefix("/"),
               schema.registry.isDynamicAnchor(uri) {
                for scope in dynamicScope where schema.registry.isDynamicAnchor(scope + "#" + fragment) {
                    target = schema.registry.lookup(scope + "#" + fragment)
                    break
                }
            }
            let dynamic = follow(target, ref: ref, keyword: "$dynamicRef", ctx)
            outcome.valid = outcome.valid && dynamic.valid
            outcome.annotations.merge(dynamic.annotations)
        }
        return outcome
    }

    private func follow(_ entry: SchemaRegistry.Entry?, ref: String, keyword: String, _ ctx: Context) -> Outcome {
        guard let entry else {
            fail(ctx.collect, ctx.instancePath, ctx.schemaPath, keyword, "cannot resolve reference \(ref)")
            return Outcome(valid: false, annotations: .init())
        }
        let pushed = dynamicScope.last != entry.base
        if pushed { dynamicScope.append(entry.base) }
        defer { if pushed { dynamicScope.removeLast() } }
        return evaluate(entry.schema, ctx.instance, base: entry.base, idResolved: true,
                        instancePath: ctx.instancePath, schemaPath: ctx.sub(keyword), collect: ctx.collect)
    }

    private func combinators(_ ctx: Context) -> Outcome {
        var valid = true
        var annotations = Annotations()
        if case .array(let subs) = ctx.object["allOf"] ?? .null {
            for (i, sub) in subs.enumerated() {
                let o = child(sub, ctx.instance, ctx, schemaPath: ctx.sub("allOf", i))
                if o.valid { annotations.merge(o.annotations) } else { valid = false }
            }
        }
        if case .array(let subs) = ctx.object["anyOf"] ?? .null {
            var any = false
            for (i, sub) in subs.enumerated() {
                let o = child(sub, ctx.instance, ctx, schemaPath: ctx.sub("anyOf", i), collect: false)
                if o.valid { any = true; annotations.merge(o.annotations) }
            }
            if !any {
                valid = false
                fail(ctx.collect, ctx.instancePath, ctx.schemaPath, "anyOf", "does not match any of the allowed alternatives")
            }
        }
        if case .array(let subs) = ctx.object["oneOf"] ?? .null {
            var matches = 0
            for (i, sub) in subs.enumerated() {
                let o = child(sub, ctx.instance, ctx, schemaPath: ctx.sub("oneOf", i), collect: false)
                if o.valid { matches += 1; annotations.merge(o.annotations) }
            }
            if matches != 1 {
                valid = false
                fail(ctx.collect, ctx.instancePath, ctx.schemaPath, "oneOf",
                     matches == 0 ? "does not match any of the alternatives" : "matches \(matches) alternatives; exactly one is allowed")
            }
        }
        if let sub = ctx.object["not"] {
            if child(sub, ctx.instance, ctx, schemaPath: ctx.sub("not"), collect: false).valid {
                valid = false
                fail(ctx.collect, ctx.instancePath, ctx.schemaPath, "not", "matches a schema it must not match")
            }
        }
        return Outcome(valid: valid, annotations: valid ? annotations : .init())
    }

    private func conditionals(_ ctx: Context) -> Outcome {
        var valid = true
        var annotations = Annotations()
        if let condition = ctx.object["if"] {
            let test = child(condition, ctx.instance, ctx, schemaPath: ctx.sub("if"), collect: false)
            if test.valid { annotations.merge(test.annotations) }
            let branch = test.valid ? "then" : "else"
            if let sub = ctx.object[branch] {
                let o = child(sub, ctx.instance, ctx, schemaPath: ctx.sub(branch))
                if o.valid { annotations.merge(o.annotations) } else { valid = false }
            }
        }
        if case .object(let deps) = ctx.object["dependentSchemas"] ?? .null, case .object(let inst) = ctx.instance {
            for (name, sub) in deps where inst[name] != nil {
                let o = child(sub, ctx.instance, ctx, schemaPath: ctx.sub("dependentSchemas", name))
                if o.valid { annotations.merge(o.annotations) } else { valid = false }
            }
        }
        return Outcome(valid: valid, annotations: annotations)
    }
}
