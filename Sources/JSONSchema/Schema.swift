import Foundation
import LoupeJSON

/// A JSON Schema (draft 2020-12) ready to validate instances.
public struct Schema: Sendable {
    /// Validation options.
    public struct Options: Sendable {
        /// 2020-12 treats `format` as an annotation; extraction schemas want it asserted.
        public var assertFormats: Bool
        public var maxErrors: Int
        public init(assertFormats: Bool = true, maxErrors: Int = 50) {
            self.assertFormats = assertFormats
            self.maxErrors = maxErrors
        }
    }

    static let defaultBase = "https://loupe.invalid/schema.json"

    public let root: JSONValue
    let registry: SchemaRegistry
    let options: Options
    let regexes: RegexCache
    let rootBase: String
    /// Whether any subschema uses `unevaluatedProperties`/`unevaluatedItems`, the only readers of annotations. Without
    /// them, recording which members passed (a set insert per property) was wasted work on every intake.
    let tracksAnnotations: Bool
    /// The everyday keywords as typed nodes, answering `isValid` without the interpreter; nil when the schema uses others.
    let compiled: CompiledCheck?

    public init(_ root: JSONValue, options: Options = .init()) {
        self.root = root
        self.options = options
        let base = SchemaRegistry.base(of: root, outer: Self.defaultBase)
        self.rootBase = base
        self.registry = SchemaRegistry(root: root, base: base)
        self.regexes = RegexCache(patterns: registry.patterns)
        self.tracksAnnotations = Self.mentions(["unevaluatedProperties", "unevaluatedItems"], in: root)
        self.compiled = CompiledCheck(root)
    }

    /// Whether any object in `value` has one of `keys` (a property that happens to be so named counts too; harmless).
    static func mentions(_ keys: Set<String>, in value: JSONValue) -> Bool {
        switch value {
        case .object(let o): o.contains { keys.contains($0.key) || mentions(keys, in: $0.value) }
        case .array(let a): a.contains { mentions(keys, in: $0) }
        default: false
        }
    }

    /// All failures of `instance` against this schema; empty when valid.
    public func validate(_ instance: JSONValue) -> [ValidationError] {
        // Most instances are valid: check first without building paths, and walk again only to explain a failure.
        if isValid(instance) { return [] }
        let evaluator = Evaluator(schema: self)
        _ = evaluator.evaluate(root, instance, base: rootBase, idResolved: true, instancePath: "", schemaPath: "", collect: true)
        return evaluator.errors
    }

    public func isValid(_ instance: JSONValue) -> Bool {
        if let compiled { return compiled.accepts(instance, regexes: regexes, assertFormats: options.assertFormats) }
        return interpretedIsValid(instance)
    }

    /// The interpreter's answer, which the compiled check must always give too.
    func interpretedIsValid(_ instance: JSONValue) -> Bool {
        let evaluator = Evaluator(schema: self)
        return evaluator.evaluate(root, instance, base: rootBase, idResolved: true, instancePath: "", schemaPath: "", collect: false).valid
    }
}

/// Compiled `pattern`/`patternProperties` regexes, built once per schema.
final class RegexCache: @unchecked Sendable {
    // Immutable after init except for the lock-guarded fallback map.
    private let compiled: [String: BoundedRegex]
    private let lock = NSLock()
    private var extra: [String: BoundedRegex?] = [:]

    init(patterns: Set<String>) {
        var map: [String: BoundedRegex] = [:]
        for p in patterns { if let r = try? BoundedRegex(p) { map[p] = r } }
        compiled = map
    }

    static func isValidPattern(_ pattern: String) -> Bool { (try? BoundedRegex(pattern)) != nil }

    /// nil when the pattern does not compile.
    func search(_ pattern: String, _ string: String) -> BoundedRegex.Outcome? {
        let regex: BoundedRegex?
        if let r = compiled[pattern] {
            regex = r
        } else {
            lock.lock()
            if let cached = extra[pattern] { regex = cached } else {
                regex = try? BoundedRegex(pattern)
                if extra.count < 1000 { extra[pattern] = regex }
            }
            lock.unlock()
        }
        return regex?.search(string)
    }

    /// True or false for a compiled pattern; a search over its work limit counts as no match.
    func matches(_ pattern: String, _ string: String) -> Bool? {
        search(pattern, string).map { $0 == .match }
    }
}
