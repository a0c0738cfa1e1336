/// Numbers Loupe can store and compare: PostgreSQL's `numeric` (inside `jsonb`) overflows on
/// `1e200000` or a 200,000-digit integer, so such values are refused at the door with their pointer.
public enum StorableNumbers {
    /// Most significant digits a number may carry.
    public static let maxDigits = 1000
    /// Largest power of ten either way: |x| < 1e1000, and a non-zero |x| ≥ 1e-1000.
    public static let maxExponent = 1000

    /// Why `number` cannot be stored, or nil when it can.
    public static func problem(_ number: JSONNumber) -> String? {
        // Ordinary literals (no exponent, short) are always fine and skip the exact parse.
        let utf8 = number.literal.utf8
        if utf8.count <= 40, !utf8.contains(UInt8(ascii: "e")), !utf8.contains(UInt8(ascii: "E")) { return nil }
        let exact = number.exact
        if exact.digits.count > maxDigits { return "has \(exact.digits.count) significant digits; at most \(maxDigits) are stored" }
        if !exact.isZero, exact.magnitude > maxExponent || exact.magnitude < -maxExponent {
            return "is outside the storable range (magnitudes from 1e-\(maxExponent) to 1e\(maxExponent))"
        }
        return nil
    }

    /// The JSON Pointer and reason of the first number in `value` that cannot be stored.
    public static func firstProblem(in value: JSONValue) -> (pointer: String, message: String)? {
        switch value {
        case .number(let n): return problem(n).map { ("", "number \(shortened(n.literal)) \($0)") }
        case .array(let elements):
            for (i, element) in elements.enumerated() {
                if let found = firstProblem(in: element) { return ("/\(i)" + found.pointer, found.message) }
            }
        case .object(let object):
            for (key, member) in object {
                if let found = firstProblem(in: member) { return ("/" + JSONPointer.escape(key) + found.pointer, found.message) }
            }
        default: break
        }
        return nil
    }

    static func shortened(_ literal: String) -> String {
        literal.count <= 40 ? literal : String(literal.prefix(20)) + "…" + String(literal.suffix(10))
    }
}
