import LoupeJSON
import Testing

@Suite struct JSONParserTests {
    @Test func roundTripsKeepOrderAndLiterals() throws {
        let text = #"{"b":1,"a":[true,null,12345678901234567890123,-0.5e10],"s":"x\"\n\u00e9"}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == #"{"b":1,"a":[true,null,12345678901234567890123,-0.5e10],"s":"x\"\né"}"#)
    }

    /// Containers are made from the parser's stacks at their close: nesting, siblings, empty containers and a repeated
    /// key (its first place, its last value) must come out as written.
    @Test func nestedContainersAndRepeatedKeysComeOutAsWritten() throws {
        let cases: [(String, String)] = [
            (#"{"a":1,"b":{"c":[1,{"d":[],"e":{}},[[2],[3,{"f":4}]]],"g":"h"},"i":[{"j":1},{"k":2}],"l":null}"#, ""),
            (#"{"a":1,"b":2,"a":3}"#, #"{"a":3,"b":2}"#),
            (#"[{"x":{"y":1,"y":2},"z":[{"y":3,"y":4}]},{"x":5,"x":{"w":[6,7]}}]"#, #"[{"x":{"y":2},"z":[{"y":4}]},{"x":{"w":[6,7]}}]"#),
            (#"[[],{},[{}],{"a":[]}]"#, ""),
            ("{" + (0..<40).map { #""k\#($0 % 20)":\#($0)"# }.joined(separator: ",") + "}",
             "{" + (0..<20).map { #""k\#($0)":\#($0 + 20)"# }.joined(separator: ",") + "}"),
        ]
        for (text, expected) in cases {
            let value = try JSONParser.parse(text)
            #expect(JSONWriter.string(value) == (expected.isEmpty ? text : expected))
            if case .object(let o) = value, o.count >= 16 { #expect(o["k7"] == 27, "lookups past the index threshold") }
        }
        // An error inside a nested container leaves nothing behind for the next parse.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#"{"a":[1,{"b":2,]}"#) }
        #expect(JSONWriter.string(try JSONParser.parse(#"{"c":[3]}"#)) == #"{"c":[3]}"#)
    }

    /// The writer copies plain runs in bulk: escapes at the start, the end, side by side and between long runs.
    @Test func writerEscapesEveryControlCharacterAndKeepsRuns() throws {
        let controls = String((1..<0x20).map { Character(Unicode.Scalar(UInt8($0))) })
        for s in ["", "plain", "\"", "\\", "\"start", "end\\", "a\"\"b\\\\c", "ümlaut\n→ 😀\t", controls,
                  String(repeating: "x", count: 3000) + "\r" + String(repeating: "y", count: 3000)] {
            let written = JSONWriter.string(.string(s))
            #expect(try JSONParser.parse(written, options: .init(rejectNul: false)) == .string(s))
            #expect(!written.utf8.dropFirst().dropLast().contains { $0 < 0x20 })
        }
        #expect(JSONWriter.string(.string("a\u{01}\u{1f}\"b")) == #""a\u0001\u001f\"b""#)
    }

    /// Plain runs are found eight bytes at a time: a byte that ends one (quote, backslash, control, or a non-ASCII byte
    /// that needs validating) must be seen at every position within a word and across word boundaries, by parser and writer.
    @Test func everySpecialByteIsSeenAtEveryOffset() throws {
        let specials: [(written: String, value: String)] = [
            (#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\u001f"#, "\u{1f}"), ("é", "é"), ("😀", "😀"),
        ]
        for length in 0...19 {
            for offset in 0...length {
                for special in specials {
                    let before = String(repeating: "a", count: offset), after = String(repeating: "b", count: length - offset)
                    let value = before + special.value + after
                    #expect(try JSONParser.parse("\"" + before + special.written + after + "\"") == .string(value), "\(length) \(offset)")
                    #expect(JSONWriter.string(.string(value)) == "\"" + before + special.written + after + "\"", "\(length) \(offset)")
                }
                // A raw control byte and invalid UTF-8 are errors wherever they sit.
                guard offset < length else { continue }
                var raw = Array(("\"" + String(repeating: "a", count: length) + "\"").utf8)
                raw[1 + offset] = 0x01
                #expect(throws: JSONParseError.self) { try JSONParser.parse(raw) }
                raw[1 + offset] = 0xFF
                #expect(throws: JSONParseError.self) { try JSONParser.parse(raw) }
            }
        }
    }

    @Test(arguments: ["", "{", "[1,]", "{\"a\" 1}", "01", "1.", "tru", "\"\\x\"", "\"\\ud800\"", "[1] 2", "\"a\u{01}\""])
    func rejectsMalformed(_ text: String) {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(text) }
    }

    @Test func enforcesDepthLimit() {
        let deep = String(repeating: "[", count: 65) + String(repeating: "]", count: 65)
        do {
            _ = try JSONParser.parse(deep)
            Issue.record("a document deeper than the limit parsed")
        } catch {
            #expect(error.kind == .tooDeep(64))
        }
        #expect((try? JSONParser.parse(String(repeating: "[", count: 64) + String(repeating: "]", count: 64))) != nil)
    }

    @Test func rejectsNulWhenAsked() throws {
        #expect(throws: JSONParseError.self) { try JSONParser.parse(#""a\u0000b""#) }
        #expect(try JSONParser.parse(#""a\u0000b""#, options: .init(rejectNul: false)) == .string("a\u{0}b"))
    }

    @Test func rejectsInvalidUTF8() {
        #expect(throws: JSONParseError.self) { try JSONParser.parse([0x22, 0xC3, 0x28, 0x22]) }
        // After an ASCII run too (strings of ASCII alone skip validation), in keys, and behind an escape.
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("\"abc".utf8) + [0xFF, 0x22]) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("{\"k".utf8) + [0xC0, 0xAF] + Array("\":1}".utf8)) }
        #expect(throws: JSONParseError.self) { try JSONParser.parse(Array("\"a\\n".utf8) + [0xED, 0xA0, 0x80, 0x22]) }
    }

    @Test func readsASCIIAndMultibyteStrings() throws {
        #expect(try JSONParser.parse(#"{"name":"ACME Corp.","city":"Genève","emoji":"🧾"}"#)
                == ["name": "ACME Corp.", "city": "Genève", "emoji": "🧾"])
    }
}
