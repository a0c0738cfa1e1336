import Foundation
@testable import JSONSchema
import LoupeJSON
import Testing

/// The compiled check answers `isValid` for schemas of the everyday keywords; it must agree with the interpreter on
/// every instance, or intake would route an item differently from what its errors say.
@Suite struct CompiledCheckTests {
    static let invoice: JSONValue = [
        "type": "object", "required": ["vendor", "total", "lines"], "additionalProperties": false,
        "properties": [
            "vendor": ["type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[A-Z]"],
            "total": ["type": "number", "minimum": 0, "exclusiveMaximum": 1000000, "multipleOf": 0.01],
            "currency": ["enum": ["EUR", "USD"]],
            "issued": ["type": "string", "format": "date"],
            "kind": ["const": "invoice"],
            "lines": ["type": "array", "minItems": 1, "maxItems": 3, "uniqueItems": true,
                      "items": ["type": "object", "required": ["sku", "qty"], "minProperties": 2, "maxProperties": 3,
                                "properties": ["qty": ["type": "integer", "maximum": 100, "exclusiveMinimum": 0]]]],
            "note": ["type": ["string", "null"], "title": "a note", "description": "ignored by validation"],
        ],
    ]

    static let line: JSONValue = ["sku": "A-1", "qty": 2]

    static func invoiceWith(_ changes: [String: JSONValue?]) -> JSONValue {
        var o: JSONObject = ["vendor": "Acme", "total": 12.5, "lines": [line]]
        for (key, value) in changes { o[key] = value }
        return .object(o)
    }

    @Test func theInvoiceSchemaIsCompiledAndEveryKeywordDecidesAsTheInterpreterDoes() {
        let schema = Schema(Self.invoice)
        #expect(schema.compiled != nil)
        let cases: [(JSONValue, Bool)] = [
            (Self.invoiceWith([:]), true),
            (Self.invoiceWith(["note": nil]), true),
            (Self.invoiceWith(["note": .null, "currency": "EUR", "kind": "invoice", "issued": "2026-12-03"]), true),
            (Self.invoiceWith(["vendor": nil]), false),
            (Self.invoiceWith(["vendor": ""]), false),
            (Self.invoiceWith(["vendor": "acme"]), false),
            (Self.invoiceWith(["vendor": .string(String(repeating: "A", count: 201))]), false),
            (Self.invoiceWith(["total": -1]), false),
            (Self.invoiceWith(["total": 1000000]), false),
            (Self.invoiceWith(["total": 12.345]), false),
            (Self.invoiceWith(["total": "12"]), false),
            (Self.invoiceWith(["currency": "GBP"]), false),
            (Self.invoiceWith(["issued": "3 December"]), false),
            (Self.invoiceWith(["kind": "receipt"]), false),
            (Self.invoiceWith(["note": 3]), false),
            (Self.invoiceWith(["extra": true]), false),
            (Self.invoiceWith(["lines": []]), false),
            (Self.invoiceWith(["lines": [Self.line, Self.line]]), false),
            (Self.invoiceWith(["lines": [["sku": "A", "qty": 1], ["sku": "B", "qty": 1], ["sku": "C", "qty": 1], ["sku": "D", "qty": 1]]]), false),
            (Self.invoiceWith(["lines": [["sku": "A"]]]), false),
            (Self.invoiceWith(["lines": [["sku": "A", "qty": 1.5]]]), false),
            (Self.invoiceWith(["lines": [["sku": "A", "qty": 0]]]), false),
            (Self.invoiceWith(["lines": [["sku": "A", "qty": 101]]]), false),
            (Self.invoiceWith(["lines": [["sku": "A", "qty": 1, "x": 1, "y": 2]]]), false),
            (Self.invoiceWith(["lines": [["sku": "A", "qty": 1.0]]]), true),
            ("not an object", false),
        ]
        for (instance, expected) in cases {
            #expect(schema.interpretedIsValid(instance) == expected, "interpreter on \(JSONWriter.string(instance))")
            #expect(schema.isValid(instance) == expected, "compiled check on \(JSONWriter.string(instance))")
        }
    }

    @Test func schemasWithOtherKeywordsAreLeftToTheInterpreter() {
        let others: [JSONValue] = [
            ["$ref": "#/$defs/x", "$defs": ["x": ["type": "string"]]],
            ["properties": ["a": ["allOf": [["type": "string"]]]]],
            ["items": ["if": ["type": "string"], "then": ["minLength": 1]]],
            ["type": "object", "unevaluatedProperties": false],
            ["additionalProperties": ["patternProperties": ["^x": false]]],
        ]
        for schema in others { #expect(Schema(schema).compiled == nil, "\(JSONWriter.string(schema))") }
        var deep: JSONValue = ["type": "string"]
        for _ in 0..<CompiledCheck.maxDepth { deep = ["items": deep] }
        #expect(Schema(deep).compiled == nil)
    }

    /// Every schema of the official suite that compiles, with every instance, with formats asserted and not.
    @Test func agreesWithTheInterpreterOnTheWholeTestSuite() throws {
        let directory = ConformanceTests.suiteDirectory
        guard FileManager.default.fileExists(atPath: directory.path) else {
            print("JSON-Schema-Test-Suite not found at \(directory.path); skipping (CI always has it)")
            return
        }
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".json") }.sorted()
        var compiled = 0, instances = 0
        for file in files {
            let data = try Data(contentsOf: directory.appendingPathComponent(file))
            guard case .array(let groups) = try JSONParser.parse(data, options: .init(maxDepth: 512, rejectNul: false)) else { continue }
            for group in groups {
                for assertFormats in [false, true] {
                    let schema = Schema(group["schema"]!, options: .init(assertFormats: assertFormats))
                    guard schema.compiled != nil else { continue }
                    compiled += 1
                    for test in group["tests"]?.arrayValue ?? [] {
                        instances += 1
                        let data = test["data"]!
                        #expect(schema.isValid(data) == schema.interpretedIsValid(data),
                                "\(file): \(group["description"]?.stringValue ?? "") / \(test["description"]?.stringValue ?? "")")
                    }
                }
            }
        }
        print("compiled check: \(compiled) schemas, \(instances) instances compared with the interpreter")
        #expect(compiled > 200)
    }
}
