/// A JSON number's exact decimal value, read from its literal: `significand × 10^exponent` with the
/// significand's digits stored without leading or trailing zeros. Doubles cannot tell
/// `10.0000000000000001` from `10`; this can, so schema bounds and equality judge what was written.
public struct ExactDecimal: Sendable, Comparable {
    public let negative: Bool
    /// Decimal digits 0…9, most significant first; empty for zero.
    public let digits: [UInt8]
    public let exponent: Int

    /// Exponents beyond this are clamped; no number Loupe stores comes near it.
    static let exponentClamp = 1_000_000_000

    /// Parses a JSON number literal (`-12.50e3`); nil for anything else.
    public init?(literal: String) {
        var negative = false
        var digits: [UInt8] = []
        var exponent = 0
        var fractionDigits = 0
        var seenPoint = false
        var iterator = literal.utf8.makeIterator()
        var byte = iterator.next()
        if byte == UInt8(ascii: "-") { negative = true; byte = iterator.next() }
        var sawDigit = false
        while let b = byte, b == UInt8(ascii: ".") || (b >= 48 && b <= 57) {
            if b == UInt8(ascii: ".") {
                if seenPoint { return nil }
                seenPoint = true
            } else {
                sawDigit = true
                if !(digits.isEmpty && b == 48) { digits.append(b - 48) }
                if seenPoint { fractionDigits += 1 }
            }
            byte = iterator.next()
        }
        guard sawDigit else { return nil }
        if let b = byte {
            guard b == UInt8(ascii: "e") || b == UInt8(ascii: "E") else { return nil }
            var expNegative = false
            byte = iterator.next()
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") { expNegative = byte == UInt8(ascii: "-"); byte = iterator.next() }
            var sawExpDigit = false
            while let d = byte, d >= 48 && d <= 57 {
                sawExpDigit = true
                exponent = min(Self.exponentClamp, exponent * 10 + Int(d - 48))
                byte = iterator.next()
            }
            guard sawExpDigit, byte == nil else { return nil }
            if expNegative { exponent = -exponent }
        }
        // Leading zeros after the point were skipped but still count as fraction digits.
        exponent -= fractionDigits
        while let last = digits.last, last == 0 { digits.removeLast(); exponent += 1 }
        self.negative = negative && !digits.isEmpty
        self.digits = digits
        self.exponent = digits.isEmpty ? 0 : exponent
    }

    public var isZero: Bool { digits.isEmpty }
    public var isInteger: Bool { isZero || exponent >= 0 }
    /// The power of ten of the leading digit plus one (12.5 → 2, 0.05 → -1).
    public var magnitude: Int { digits.count + exponent }

    public static func < (a: ExactDecimal, b: ExactDecimal) -> Bool {
        if a.negative != b.negative { return a.negative }
        let less = compareMagnitude(a, b) < 0
        let equal = compareMagnitude(a, b) == 0
        return a.negative ? (!less && !equal) : less
    }

    public static func == (a: ExactDecimal, b: ExactDecimal) -> Bool {
        a.negative == b.negative && a.digits == b.digits && a.exponent == b.exponent
    }

    /// -1, 0 or 1 comparing absolute values.
    static func compareMagnitude(_ a: ExactDecimal, _ b: ExactDecimal) -> Int {
        if a.isZero || b.isZero { return a.isZero ? (b.isZero ? 0 : -1) : 1 }
        if a.magnitude != b.magnitude { return a.magnitude < b.magnitude ? -1 : 1 }
        for (x, y) in zip(a.digits, b.digits) where x != y { return x < y ? -1 : 1 }
        return a.digits.count == b.digits.count ? 0 : (a.digits.count < b.digits.count ? -1 : 1)
    }

    /// Whether `self` is an integer multiple of `divisor` (> 0), exactly; nil when the divisor has more
    /// than 18 significant digits or the scales differ by more than `maxShift` (callers fall back to doubles).
    public func isMultiple(of divisor: ExactDecimal, maxShift: Int = 100_000) -> Bool? {
        if isZero { return true }
        let base = Swift.min(exponent, divisor.exponent)
        let selfShift = exponent - base, divisorShift = divisor.exponent - base
        guard divisor.digits.count + divisorShift <= 18, selfShift <= maxShift else { return nil }
        var b: UInt64 = 0
        for d in divisor.digits { b = b * 10 + UInt64(d) }
        for _ in 0..<divisorShift { b *= 10 }
        guard b > 0 else { return nil }
        var remainder: UInt64 = 0
        for d in digits { remainder = (remainder * 10 + UInt64(d)) % b }
        for _ in 0..<selfShift { remainder = (remainder * 10) % b }
        return remainder == 0
    }
}

extension JSONNumber {
    /// The exact value of the literal as written.
    public var exact: ExactDecimal { ExactDecimal(literal: literal) ?? ExactDecimal(literal: "0")! }
}
