/// RFC 6901 JSON Pointers: building them for error messages and resolving them in documents.
public enum JSONPointer {
    public static func escape(_ token: String) -> String {
        // Validation builds a pointer per property checked; almost no name needs escaping.
        guard token.utf8.contains(where: { $0 == UInt8(ascii: "~") || $0 == UInt8(ascii: "/") }) else { return token }
        return token.replacingOccurrences(of: "~", with: "~0").replacingOccurrences(of: "/", with: "~1")
    }

    public static func unescape(_ token: Substring) -> String {
        String(token).replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
    }

    public static func appending(_ pointer: String, _ token: String) -> String { pointer + "/" + escape(token) }
    public static func appending(_ pointer: String, _ index: Int) -> String { pointer + "/" + String(index) }

    /// Splits a pointer into unescaped tokens; nil if it is not an RFC 6901 pointer ("" is the root;
    /// `~` must be followed by 0 or 1).
    public static func tokens(_ pointer: String) -> [String]? {
        if pointer.isEmpty { return [] }
        guard pointer.hasPrefix("/") else { return nil }
        var bytes = pointer.utf8.makeIterator()
        while let b = bytes.next() {
            if b == UInt8(ascii: "~") {
                guard let next = bytes.next(), next == UInt8(ascii: "0") || next == UInt8(ascii: "1") else { return nil }
            }
        }
        return pointer.dropFirst().split(separator: "/", omittingEmptySubsequences: false).map(unescape)
    }

    public static func resolve(_ pointer: String, in document: JSONValue) -> JSONValue? {
        guard let tokens = tokens(pointer) else { return nil }
        var current = document
        for token in tokens {
            switch current {
            case .object(let o):
                guard let next = o[token] else { return nil }
                current = next
            case .array(let a):
                guard let i = Int(token), i >= 0, i < a.count, token == String(i) else { return nil }
                current = a[i]
            default: return nil
            }
        }
        return current
    }
}

extension String {
    func replacingOccurrences(of target: String, with replacement: String) -> String {
        // A byte scan first: `contains` on strings is slow, and the target is usually absent.
        guard let first = target.utf8.first, utf8.contains(first), contains(target) else { return self }
        return split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
