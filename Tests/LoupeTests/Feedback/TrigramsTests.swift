import LoupeDomain
import Testing

/// The few-shot diversity check's trigrams, keyed for speed, must still mean what pg_trgm's (and the first release's
/// `Set<String>`) meant: the same similarity between any two texts, ASCII or not.
@Suite struct TrigramsTests {
    /// The definition the keys replace: each word lowercased, padded "  word ", every run of three characters.
    static func reference(_ text: String) -> Set<String> {
        var grams = Set<String>()
        for word in text.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber) }) {
            let padded = Array("  " + word + " ")
            for i in 0...(padded.count - 3) { grams.insert(String(padded[i..<(i + 3)])) }
        }
        return grams
    }

    static func referenceSimilarity(_ a: String, _ b: String) -> Double {
        let (x, y) = (reference(a), reference(b))
        let union = x.union(y).count
        return union == 0 ? 0 : Double(x.intersection(y).count) / Double(union)
    }

    static let texts = [
        "Invoice INV-2026-0042 from ACME Corp., Rue du Lac 12, Geneva. Net 30 days.",
        "invoice inv-2026-0042 from acme corp rue du lac 12 geneva net 30 days",
        "Invoice from Globex branch 140, total 260.00 EUR, due 3 March",
        "Facture de l'entreprise Müller & Söhne, total 260,00 €, échéance 3 mars",
        "Rechnung von Müller und Soehne, total 260.00 EUR",
        "Straße STRASSE İstanbul ǅemal Ω ω 42",
        "naïve cafe\u{301} café e\u{301}clair",
        "注文番号 12345 の請求書",
        "a b c 1 2 3", "A", "", "   ,;.  ", "x\r\ny\ttab\u{0}nul",
    ]

    @Test func sameCountAsTheCharacterDefinition() {
        for text in Self.texts { #expect(Trigrams.of(text).count == Self.reference(text).count, "\(text)") }
    }

    @Test func sameSimilarityForEveryPair() {
        for a in Self.texts {
            for b in Self.texts {
                let keyed = Trigrams.similarity(Trigrams.of(a), Trigrams.of(b))
                #expect(keyed == Self.referenceSimilarity(a, b), "\(a) / \(b)")
            }
        }
    }

    /// Plain ASCII text and text with one accented word share their ASCII words' trigrams.
    @Test func asciiTrigramsMatchAcrossTheTwoPaths() {
        let plain = "total due March", accented = "total due March é"
        let shared = Trigrams.of(plain).intersection(Trigrams.of(accented)).count
        #expect(shared == Self.reference(plain).intersection(Self.reference(accented)).count)
        #expect(shared == Trigrams.of(plain).count)
    }
}
