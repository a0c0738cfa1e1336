import CBoundedRegex

/// A compiled `pattern` that runs with bounded work (PCRE2 under match, depth and heap limits), so a
/// catastrophic pattern such as `^(a+)+$` costs milliseconds and reports `.tooExpensive`, never a stall.
public final class BoundedRegex: @unchecked Sendable {
    // The compiled code is read-only after init; PCRE2 allows concurrent searches on it.
    private let handle: OpaquePointer

    /// Backtracking steps one search may take: about 20 ms of the slowest pattern in `loupe-bench --only patterns`
    /// (1M steps took 92 ms). A pattern that must backtrack once per character (`^[a-z]+$` before `$`) still
    /// checks strings up to ~200k characters; `^(a+)+$` on 25 characters would need tens of millions.
    public static let matchLimit: UInt32 = 200_000

    /// The outcome of one search.
    public enum Outcome: Sendable { case match, noMatch, tooExpensive }

    /// Throws the reason when the pattern does not compile.
    public init(_ pattern: String, matchLimit: UInt32 = BoundedRegex.matchLimit) throws(RegexError) {
        var message = [CChar](repeating: 0, count: 200)
        let compiled: OpaquePointer? = ECMAPattern.translate(pattern).utf8CString.withUnsafeBufferPointer { p in
            loupe_regex_compile(p.baseAddress, p.count - 1, matchLimit, &message, message.count)
        }
        guard let compiled else {
            throw RegexError(message: String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        handle = compiled
    }

    deinit { loupe_regex_free(handle) }

    /// Searches anywhere in `string`, as JSON Schema's `pattern` does.
    public func search(_ string: String) -> Outcome {
        var string = string
        let rc = string.withUTF8 { bytes in
            bytes.withMemoryRebound(to: CChar.self) { loupe_regex_search(handle, $0.baseAddress, $0.count) }
        }
        switch rc {
        case 1: return .match
        case 0: return .noMatch
        default: return .tooExpensive
        }
    }
}

/// Why a pattern does not compile.
public struct RegexError: Error, Sendable, CustomStringConvertible {
    public let message: String
    public var description: String { message }
}
