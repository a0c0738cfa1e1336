import LoupeJSON

/// Reads typed fields out of a request body object, collecting one message per bad field.
public struct FieldReader {
    public let object: JSONObject
    public private(set) var errors: [Problem.FieldError] = []
    private let prefix: String

    public init(_ value: JSONValue, prefix: String = "") throws(Problem) {
        guard case .object(let o) = value else {
            throw Problem.invalid(field: prefix.isEmpty ? "body" : prefix, "must be a JSON object, not \(value.typeName)")
        }
        self.object = o
        self.prefix = prefix
    }

    public func name(_ field: String) -> String { prefix.isEmpty ? field : "\(prefix).\(field)" }

    public mutating func error(_ field: String, _ message: String) {
        errors.append(.init(field: name(field), message: message))
    }

    public mutating func rejectUnknown(allowed: Set<String>) {
        for (key, _) in object where !allowed.contains(key) {
            error(key, "unknown field (allowed: \(allowed.sorted().joined(separator: ", ")))")
        }
    }

    /// The raw value of `field`; a number PostgreSQL could not store anywhere inside it is an error
    /// naming its pointer, so such input is a 422 (and in a batch fails only its own item).
    public mutating func value(_ field: String, required: Bool) -> JSONValue? {
        guard let v = object[field] else {
            if required { error(field, "is required") }
            return nil
        }
        if let bad = StorableNumbers.firstProblem(in: v) {
            error(field + bad.pointer, bad.message)
            return nil
        }
        return v
    }

    /// An optional JSON object (null or absent: nil).
    public mutating func object(_ field: String) -> JSONValue? {
        guard let v = value(field, required: false), !v.isNull else { return nil }
        guard case .object = v else { error(field, "must be an object, not \(v.typeName)"); return nil }
        return v
    }

    public mutating func string(_ field: String, required: Bool = false, maxLength: Int = 200) -> String? {
        guard let v = value(field, required: required), !(v.isNull && !required) else { return nil }
        guard case .string(let s) = v else { error(field, "must be a string, not \(v.typeName)"); return nil }
        if s.isEmpty { error(field, "must not be empty"); return nil }
        if s.count > maxLength { error(field, "must be at most \(maxLength) characters"); return nil }
        return s
    }

    public mutating func number(_ field: String, required: Bool = false, in range: ClosedRange<Double>) -> Double? {
        guard let v = value(field, required: required), !(v.isNull && !required) else { return nil }
        guard case .number(let n) = v else { error(field, "must be a number, not \(v.typeName)"); return nil }
        guard range.contains(n.value) else {
            error(field, "must be between \(JSONNumber(range.lowerBound).literal) and \(JSONNumber(range.upperBound).literal), got \(n.literal)")
            return nil
        }
        return n.value
    }

    public mutating func integer(_ field: String, in range: ClosedRange<Int>) -> Int? {
        guard let d = number(field, in: Double(range.lowerBound)...Double(range.upperBound)) else { return nil }
        guard d == d.rounded() else { error(field, "must be a whole number"); return nil }
        return Int(d)
    }

    /// One of an enumeration's raw values; the error lists them.
    public mutating func choice<T: RawRepresentable & CaseIterable>(_ field: String, _ type: T.Type) -> T? where T.RawValue == String {
        let allowed = T.allCases.map(\.rawValue)
        guard let s = string(field, maxLength: 100) else { return nil }
        guard let v = T(rawValue: s) else { error(field, "must be one of \(allowed.joined(separator: ", ")), got '\(s)'"); return nil }
        return v
    }

    /// An object of JSON Pointer → number in 0...1 (field confidences and field thresholds).
    public mutating func pointerScores(_ field: String) -> [String: Double]? {
        guard let v = value(field, required: false), !v.isNull else { return nil }
        guard case .object(let o) = v else { error(field, "must be an object of JSON pointer → number, not \(v.typeName)"); return nil }
        var result: [String: Double] = [:]
        for (pointer, score) in o {
            guard JSONPointer.tokens(pointer) != nil else {
                error("\(field)[\(pointer)]", "'\(pointer)' is not a JSON pointer (it must start with '/', e.g. \"/total\")")
                continue
            }
            guard case .number(let n) = score, (0...1).contains(n.value) else {
                error("\(field)[\(pointer)]", "must be a number between 0 and 1")
                continue
            }
            result[pointer] = n.value
        }
        return result
    }
}
