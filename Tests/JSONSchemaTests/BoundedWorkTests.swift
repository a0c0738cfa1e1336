import Foundation
import JSONSchema
import LoupeJSON
import Testing

/// Patterns run with bounded work (pentest finding 2) and numbers compare exactly (finding 6).
@Suite struct BoundedWorkTests {
    func schema(_ text: String) throws -> Schema { Schema(try JSONParser.parse(text)) }

    @Test func catastrophicBacktrackingIsASchemaErrorNotAStall() throws {
        let s = try schema(#"{"type": "string", "pattern": "^(a+)+$"}"#)
        // NSRegularExpression needed 2.8 s of CPU for 24 a's and doubles with each one; 40 would take days.
        let errors = s.validate(.string(String(repeating: "a", count: 40) + "!"))
        #expect(errors.map(\.keyword) == ["pattern"])
        #expect(errors.first?.message.contains("work limit") == true)
        #expect(s.validate(.string(String(repeating: "a", count: 40))).isEmpty, "a matching string still matches")
    }

    @Test func everyPatternOnAMebibyteFinishes() throws {
        let mib = String(repeating: "a", count: 1 << 20) + "!"
        for pattern in ["^(a+)+$", "(a|aa)*b", "(a*)*b", "^(a|a)*$", "(.*a){20}", "^[a-z]+$", "a{0,1000}b", "(?=(a+))\\1b"] {
            let s = Schema(["type": "string", "pattern": .string(pattern)])
            let started = ContinuousClock.now
            let errors = s.validate(.string(mib))
            print("pattern \(pattern) on 1 MiB: \(ContinuousClock.now - started), \(errors.first?.message ?? "valid")")
            #expect(errors.map(\.keyword) == ["pattern"], "\(pattern) cannot match a string ending in '!'")
        }
    }

    @Test func ecmaScriptSyntaxStillWorks() throws {
        let s = try schema(#"{"type": "string", "pattern": "^\\u00e9\\d{2}\\w$"}"#)
        #expect(s.validate("é12x").isEmpty)
        #expect(!s.validate("é1xx").isEmpty)
        let dollar = try schema(#"{"pattern": "^abc$"}"#)
        #expect(!dollar.validate("abc\n").isEmpty, "$ matches only at the very end, as in JavaScript")
        #expect(SchemaCheck.problems(in: try JSONParser.parse(#"{"pattern": "(unclosed"}"#)).isEmpty == false)
    }

    @Test func integerAndBoundsJudgeTheWrittenDecimal() throws {
        let s = try schema(#"{"type": "integer", "maximum": 10}"#)
        let sneaky = try JSONParser.parse("10.0000000000000001")
        #expect(Set(s.validate(sneaky).map(\.keyword)) == ["type", "maximum"], "10.0000000000000001 is neither whole nor ≤ 10")
        #expect(s.validate(try JSONParser.parse("10.0")).isEmpty, "10.0 is the integer 10")
        #expect(s.validate(try JSONParser.parse("1e1")).isEmpty)
        let exclusive = try schema(#"{"exclusiveMinimum": 0.1}"#)
        #expect(exclusive.validate(try JSONParser.parse("0.10000000000000000001")).isEmpty, "just above 0.1, though the doubles are equal")
        #expect(!exclusive.validate(try JSONParser.parse("0.1000000000000000000")).isEmpty)
    }

    @Test func enumConstAndMultipleOfCompareExactly() throws {
        let e = try schema(#"{"enum": [10, 0.3]}"#)
        #expect(!e.validate(try JSONParser.parse("10.0000000000000001")).isEmpty)
        #expect(e.validate(try JSONParser.parse("10.00")).isEmpty)
        #expect(e.validate(try JSONParser.parse("3e-1")).isEmpty)
        let c = try schema(#"{"const": 9007199254740993}"#)
        #expect(!c.validate(try JSONParser.parse("9007199254740992")).isEmpty, "beyond 2^53 doubles collide; decimals do not")
        let cents = try schema(#"{"multipleOf": 0.01}"#)
        #expect(cents.validate(try JSONParser.parse("0.07")).isEmpty)
        #expect(cents.validate(try JSONParser.parse("19.99")).isEmpty)
        #expect(!cents.validate(try JSONParser.parse("0.075")).isEmpty)
        #expect(!cents.validate(try JSONParser.parse("0.010000000000000001")).isEmpty)
        let odd = try schema(#"{"multipleOf": 0.123456789}"#)
        #expect(!odd.validate(try JSONParser.parse("1e308")).isEmpty)
    }
}
