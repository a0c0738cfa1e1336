/// pg_trgm's notion of trigrams, so diversity is measured like relevance is: each word lowercased, padded with two
/// spaces before and one after, cut into every run of three characters.
///
/// A trigram is a key rather than a `String`: its three bytes packed when all three characters are ASCII, otherwise a
/// hash of its characters with the top bit set, so the two kinds never meet. Building a `String` per trigram from an
/// `Array<Character>` was 11.5% of the server's samples in `perf record` of sequential few-shot queries; ASCII text
/// (nearly all of it) now takes a byte loop with no allocation but the set's.
public enum Trigrams {
    public static func of(_ text: String) -> Set<UInt64> {
        var text = text
        if let ascii = text.withUTF8({ asciiTrigrams($0) }) { return ascii }
        var grams = Set<UInt64>()
        for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let padded = Array("  " + word + " ")
            for i in 0...(padded.count - 3) { grams.insert(key(padded[i..<(i + 3)])) }
        }
        return grams
    }

    /// The share of trigrams the two hold in common (Jaccard), as pg_trgm's `similarity`.
    public static func similarity(_ a: Set<UInt64>, _ b: Set<UInt64>) -> Double {
        let (small, large) = a.count <= b.count ? (a, b) : (b, a)
        let common = small.reduce(0) { $0 + (large.contains($1) ? 1 : 0) }
        let union = a.count + b.count - common
        return union == 0 ? 0 : Double(common) / Double(union)
    }

    private static let space = UInt64(UInt8(ascii: " "))

    private static func pack(_ a: UInt64, _ b: UInt64, _ c: UInt64) -> UInt64 { a << 16 | b << 8 | c }

    /// The same trigrams for text that is all ASCII (where lowercasing and letter-or-digit are byte tests); nil otherwise.
    private static func asciiTrigrams(_ bytes: UnsafeBufferPointer<UInt8>) -> Set<UInt64>? {
        var grams = Set<UInt64>(minimumCapacity: bytes.count)
        var (first, second) = (space, space)
        var inWord = false
        for byte in bytes {
            guard byte < 0x80 else { return nil }
            let lower = byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
            let isWordByte = (lower >= UInt8(ascii: "a") && lower <= UInt8(ascii: "z")) || (lower >= UInt8(ascii: "0") && lower <= UInt8(ascii: "9"))
            if isWordByte {
                let c = UInt64(lower)
                grams.insert(pack(first, second, c))
                (first, second) = (second, c)
                inWord = true
            } else if inWord {
                grams.insert(pack(first, second, space))
                (first, second) = (space, space)
                inWord = false
            }
        }
        if inWord { grams.insert(pack(first, second, space)) }
        return grams
    }

    private static func key(_ gram: ArraySlice<Character>) -> UInt64 {
        if gram.allSatisfy({ $0.isASCII }) {
            let bytes = gram.map { UInt64($0.asciiValue!) }
            return pack(bytes[0], bytes[1], bytes[2])
        }
        var hasher = Hasher()
        for character in gram { hasher.combine(character) }
        return UInt64(UInt(bitPattern: hasher.finalize())) | 1 << 63
    }
}
