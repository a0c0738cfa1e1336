import JSONSchema
import LoupeJSON
import Testing

/// The formats extraction schemas rely on are asserted (Loupe validates with `assertFormats`).
@Suite struct FormatTests {
    static let cases: [(format: String, valid: [String], invalid: [String])] = [
        ("date", ["2024-02-29", "1999-12-31"], ["2023-02-29", "2024-13-01", "24-01-01", "2024-1-01", "2024-01-32"]),
        ("date-time", ["2024-05-01T10:20:30Z", "2024-05-01t10:20:30.123+02:00", "1998-12-31T23:59:60Z"],
         ["2024-05-01 10:20:30Z", "2024-05-01T25:00:00Z", "2024-05-01T10:20:30", "1998-12-31T22:59:60Z"]),
        ("time", ["10:20:30Z", "23:59:59.5-05:00"], ["10:20:30", "24:00:00Z", "10:61:00Z"]),
        ("email", ["a.b@example.com", "x+y@sub.example.org", "j@[127.0.0.1]"], ["plain", "@example.com", "a..b@example.com", "a@", ".a@example.com"]),
        ("uuid", ["2eb8aa08-aa98-11ea-b4aa-73b441d16380"], ["2eb8aa08-aa98-11ea-b4aa-73b441d1638", "2eb8aa08aa9811eab4aa73b441d16380", "zeb8aa08-aa98-11ea-b4aa-73b441d16380"]),
        ("uri", ["https://example.com/a?b=c#d", "urn:isbn:0451450523", "mailto:x@example.com"], ["//example.com", "no scheme", "http://exa mple.com", "1http://x"]),
        ("ipv4", ["192.168.0.1", "0.0.0.0"], ["256.0.0.1", "1.2.3", "01.2.3.4", "1.2.3.4.5", "a.b.c.d"]),
    ]

    @Test(arguments: cases.map(\.format))
    func formatIsAsserted(_ format: String) {
        let entry = Self.cases.first { $0.format == format }!
        let schema = Schema(["type": "string", "format": .string(format)])
        for v in entry.valid { #expect(schema.validate(.string(v)).isEmpty, "\(v) should be a valid \(format)") }
        for v in entry.invalid {
            let errors = schema.validate(.string(v))
            #expect(errors.map(\.keyword) == ["format"], "\(v) should not be a valid \(format)")
        }
    }

    @Test func formatIsOnlyAnAnnotationWhenNotAsserted() {
        let schema = Schema(["format": "email"], options: .init(assertFormats: false))
        #expect(schema.isValid("not an email"))
    }

    @Test func errorsCarryInstancePointerAndKeyword() {
        let schema = Schema([
            "type": "object", "required": ["total"],
            "properties": ["lines": ["type": "array", "items": ["type": "object", "properties": ["qty": ["type": "integer"]]]]],
        ])
        let errors = schema.validate(["lines": [["qty": 1], ["qty": 1.5]]])
        #expect(Set(errors.map(\.instancePath)) == ["/total", "/lines/1/qty"])
        #expect(Set(errors.map(\.keyword)) == ["required", "type"])
        #expect(errors.first { $0.keyword == "type" }?.schemaPath == "/properties/lines/items/properties/qty/type")
    }

    @Test func schemaCheckNamesProblems() {
        let problems = SchemaCheck.problems(in: [
            "type": "obj", "properties": ["a": ["minLength": -1, "pattern": "(["]], "$ref": "#/$defs/missing",
        ])
        #expect(problems.contains { $0.contains("/type") && $0.contains("'obj'") })
        #expect(problems.contains { $0.contains("/properties/a/minLength") })
        #expect(problems.contains { $0.contains("/properties/a/pattern") })
        #expect(problems.contains { $0.contains("$ref") && $0.contains("#/$defs/missing") })
        #expect(SchemaCheck.problems(in: ["type": "object", "properties": ["a": ["type": "string"]]]).isEmpty)
    }
}
