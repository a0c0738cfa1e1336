/// An immutable JSON document tree. Objects keep their key order; numbers keep their literal.
public enum JSONValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case number(JSONNumber)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)

    public static func int(_ value: Int) -> JSONValue { .number(JSONNumber(value)) }
    public static func double(_ value: Double) -> JSONValue { .number(JSONNumber(value)) }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var doubleValue: Double? { if case .number(let n) = self { return n.value } else { return nil } }
    public var boolValue: Bool? { if case .bool(let b) = self { return b } else { return nil } }
    public var arrayValue: [JSONValue]? { if case .array(let a) = self { return a } else { return nil } }
    public var objectValue: JSONObject? { if case .object(let o) = self { return o } else { return nil } }
    public var isNull: Bool { if case .null = self { return true } else { return false } }

    /// The JSON type name used in error messages and by the `type` keyword.
    public var typeName: String {
        switch self {
        case .null: "null"
        case .bool: "boolean"
        case .number(let n): n.isInteger ? "integer" : "number"
        case .string: "string"
        case .array: "array"
        case .object: "object"
        }
    }

    public subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }

    public subscript(index: Int) -> JSONValue? {
        if case .array(let a) = self, a.indices.contains(index) { return a[index] }
        return nil
    }
}

/// A JSON number: its value for arithmetic and its literal so large integers survive a round trip.
public struct JSONNumber: Hashable, Sendable {
    public let value: Double
    public let literal: String

    public init(_ value: Double) {
        self.value = value
        if value.isFinite, value == value.rounded(), abs(value) < 1e15 {
            self.literal = String(Int64(value))
        } else {
            self.literal = value.isFinite ? "\(value)" : "null"
        }
    }

    public init(_ value: Int) {
        self.value = Double(value)
        self.literal = String(value)
    }

    init(value: Double, literal: String) {
        self.value = value
        self.literal = literal
    }

    /// Whether the written value is whole (`1.0` is, `10.0000000000000001` is not).
    public var isInteger: Bool {
        // A fractional double comes from a fractional literal; a whole (or infinite) one may still have
        // rounded a fraction away, and only the literal knows.
        if value.isFinite, value != value.rounded(.towardZero) { return false }
        return literal.utf8.allSatisfy { $0 >= 48 && $0 <= 57 || $0 == UInt8(ascii: "-") } || exact.isInteger
    }

    /// Equal as exact decimals. Different doubles imply different decimals, so only a tie reads the literals.
    public static func == (lhs: JSONNumber, rhs: JSONNumber) -> Bool {
        guard lhs.value == rhs.value else { return false }
        return lhs.literal == rhs.literal || lhs.exact == rhs.exact
    }
    // Equal decimals round to equal doubles, so hashing the double agrees with ==.
    public func hash(into hasher: inout Hasher) { hasher.combine(value) }
}

/// A JSON object that remembers insertion order; equality ignores order, as JSON does.
public struct JSONObject: Hashable, Sendable, Sequence {
    /// Members in insertion order. Most objects have a handful of keys, and comparing a few short
    /// strings beats hashing them: lookups dominated validation time when this was a Dictionary.
    private var members: [(key: String, value: JSONValue)] = []
    /// Positions by key, kept only for objects too large to scan.
    private var index: [String: Int]?
    private static let indexFrom = 16

    public init() {}

    public init(_ pairs: KeyValuePairs<String, JSONValue>) {
        for (k, v) in pairs { self[k] = v }
    }

    /// A parsed object's members in document order, at their exact size; a repeated key keeps its first place and its
    /// last value, as assigning them one by one does.
    init(parsed: ArraySlice<(key: String, value: JSONValue)>) {
        members.reserveCapacity(parsed.count)
        for (key, value) in parsed { self[key] = value }
    }

    public var count: Int { members.count }
    public var isEmpty: Bool { members.isEmpty }
    public var keys: [String] { members.map(\.key) }

    private func position(of key: String) -> Int? {
        if let index { return index[key] }
        // Lengths first: most keys looked up are absent (a schema's keywords), and String's `==` of two unequal short
        // strings goes the slow way round (`_stringCompareWithSmolCheck`, 3% of batch intake's profile).
        let length = key.utf8.count
        return members.firstIndex { $0.key.utf8.count == length && $0.key == key }
    }

    public subscript(key: String) -> JSONValue? {
        get { position(of: key).map { members[$0].value } }
        set {
            if let at = position(of: key) {
                if let newValue { members[at].value = newValue } else {
                    members.remove(at: at)
                    if index != nil { reindex() }
                }
            } else if let newValue {
                members.append((key, newValue))
                if index != nil { index?[key] = members.count - 1 } else if members.count >= Self.indexFrom { reindex() }
            }
        }
    }

    private mutating func reindex() {
        index = members.count >= Self.indexFrom
            ? Dictionary(members.enumerated().map { ($1.key, $0) }, uniquingKeysWith: { $1 }) : nil
    }

    public func makeIterator() -> IndexingIterator<[(key: String, value: JSONValue)]> { members.makeIterator() }

    /// Key order does not matter for equality, as in JSON.
    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        lhs.count == rhs.count && lhs.members.allSatisfy { rhs[$0.key] == $0.value }
    }

    public func hash(into hasher: inout Hasher) {
        // Order-independent, like equality.
        hasher.combine(count)
        hasher.combine(members.reduce(0) { $0 ^ Hasher.hash($1) })
    }
}

private extension Hasher {
    static func hash(_ member: (key: String, value: JSONValue)) -> Int {
        var h = Hasher()
        h.combine(member.key)
        h.combine(member.value)
        return h.finalize()
    }
}

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByIntegerLiteral, ExpressibleByBooleanLiteral,
    ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral, ExpressibleByFloatLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(integerLiteral value: Int) { self = .int(value) }
    public init(floatLiteral value: Double) { self = .double(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(nilLiteral: ()) { self = .null }
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        var o = JSONObject()
        for (k, v) in elements { o[k] = v }
        self = .object(o)
    }
}

extension JSONObject: ExpressibleByDictionaryLiteral {
    public init(dictionaryLiteral elements: (String, JSONValue)...) {
        self.init()
        for (k, v) in elements { self[k] = v }
    }
}
