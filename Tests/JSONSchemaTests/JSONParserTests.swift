import LoupeJSON
import Testing

@Suite struct JSONParserTests {
    @Test func roundTripsKeepOrderAndLiterals() throws {
        let text = #"{"b":1,"a":[true,null,12345678901234567890123,-0.5e10],"s":"x\"\n\u00e9"}"#
        let value = try JSONParser.parse(text)
        #expect(JSONWriter.string(value) == #"{"b":1,"a":[true,null,12345678901234567890123,-0.5e10],"s":"x\"\né"}"#)
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
    }
}
