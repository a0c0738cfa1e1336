import Foundation
import LoupeJSON
import Testing

/// Issue 14, `decision.changes`: every decision keeps the RFC 6902 JSON Patch from the output to the final output,
/// written by the deciding statement itself.
@Suite struct DecisionChangesTests {
    @Test func aCorrectionKeepsItsPatchAnApprovalAnEmptyOneAndARejectionNone() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": ["type": "object"]])
            let output: JSONValue = ["vendor": "ACME", "total": 120, "note": "x",
                                     "lines": [["sku": "a", "qty": 1], ["sku": "b", "qty": 2]], "a/b~c": 1]
            let corrected: JSONValue = ["vendor": "ACME Corp", "total": 120.0, "due": "2026-01-01",
                                        "lines": [["qty": 3, "sku": "a"]], "a/b~c": 1]
            try await f.submit("invoice", input: "i1", output: output, confidence: 0.2)
            let id = try await f.decideNext("correct", output: corrected)
            let changes = try await f.call(.get, "/v1/items/\(id)").json["decision"]?["changes"]
            #expect(changes == [
                ["op": "remove", "path": "/note"],
                ["op": "add", "path": "/due", "value": "2026-01-01"],
                ["op": "replace", "path": "/lines/0/qty", "value": 3],
                ["op": "remove", "path": "/lines/1"],
                ["op": "replace", "path": "/vendor", "value": "ACME Corp"],
            ], "key order and 120 vs 120.0 are no change; \(changes ?? .null)")
            #expect(Self.apply(changes ?? [], to: output) == corrected)

            try await f.submit("invoice", input: "i2", output: ["total": 1], confidence: 0.2)
            let approved = try await f.decideNext("approve")
            #expect(try await f.call(.get, "/v1/items/\(approved)").json["decision"]?["changes"] == [])
            try await f.submit("invoice", input: "i3", output: ["total": 1], confidence: 0.2)
            let rejected = try await f.decideNext("reject", reason: "wrong document")
            #expect(try await f.call(.get, "/v1/items/\(rejected)").json["decision"]?["changes"] == .null)
            let auto = try await f.submit("invoice", input: "i4", output: ["total": 1], confidence: 0.99)
            #expect(try await f.call(.get, "/v1/items/\(auto)").json["decision"]?["changes"] == [], "auto-approval changes nothing")
            try await f.expectPeopleDecisionsMatchItems(atLeast: 3)
        }
    }

    /// 300 random pairs of documents, patched by PostgreSQL in one statement: each patch turns its output into its
    /// final output.
    @Test func everyPatchTurnsTheOutputIntoTheFinalOutput() async throws {
        try await withLoupe { f in
            var random = SystemRandomNumberGenerator()
            let pairs = (0..<300).map { _ in (Self.document(depth: 0, &random), Self.document(depth: 0, &random)) }
            let values = pairs.enumerated().map { i, pair in
                "(\(i), '\(JSONWriter.string(pair.0).replacingOccurrences(of: "'", with: "''"))'::jsonb, "
                    + "'\(JSONWriter.string(pair.1).replacingOccurrences(of: "'", with: "''"))'::jsonb)"
            }.joined(separator: ",")
            let (status, out, err) = try await Psql.run(url: f.databaseURL,
                "SELECT n, loupe_json_patch(a, b)::text, b::text FROM (VALUES \(values)) AS v(n, a, b) ORDER BY n")
            #expect(status == 0, "\(err)")
            let lines = out.split(separator: "\n")
            #expect(lines.count == 300)
            for line in lines {
                let parts = line.split(separator: "|", maxSplits: 2).map(String.init)
                let n = Int(parts[0])!
                let patch = try JSONParser.parse(parts[1])
                #expect(Self.same(Self.apply(patch, to: pairs[n].0), try JSONParser.parse(parts[2])), "pair \(n): \(parts[1])")
            }
        }
    }

    /// A small random JSON document: objects and arrays to depth 3 over a few keys, so pairs share structure.
    static func document(depth: Int, _ random: inout SystemRandomNumberGenerator) -> JSONValue {
        let pick = depth >= 3 ? Int.random(in: 2...5, using: &random) : Int.random(in: 0...5, using: &random)
        switch pick {
        case 0:
            var o = JSONObject()
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                o[["a", "b", "c", "d/e", "f~g"].randomElement(using: &random)!] = document(depth: depth + 1, &random)
            }
            return .object(o)
        case 1: return .array((0..<Int.random(in: 0...4, using: &random)).map { _ in document(depth: depth + 1, &random) })
        case 2: return .int(Int.random(in: 0...3, using: &random))
        case 3: return .string(["x", "y", "it's"].randomElement(using: &random)!)
        case 4: return .bool(Bool.random(using: &random))
        default: return .null
        }
    }

    /// Equal as JSON values: object key order ignored.
    static func same(_ a: JSONValue, _ b: JSONValue) -> Bool {
        switch (a, b) {
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { key, value in y[key].map { same(value, $0) } ?? false }
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { same($0, $1) }
        default: return a == b
        }
    }

    /// RFC 6902 add / remove / replace, enough to check the patches PostgreSQL writes.
    static func apply(_ patch: JSONValue, to document: JSONValue) -> JSONValue {
        var result = document
        for op in patch.arrayValue ?? [] {
            let tokens = JSONPointer.tokens(op["path"]?.stringValue ?? "") ?? []
            result = change(result, tokens[...], op: op["op"]?.stringValue ?? "", value: op["value"] ?? .null)
        }
        return result
    }

    private static func change(_ node: JSONValue, _ tokens: ArraySlice<String>, op: String, value: JSONValue) -> JSONValue {
        guard let token = tokens.first else { return value }
        let rest = tokens.dropFirst()
        switch node {
        case .object(var o):
            if rest.isEmpty {
                if op == "remove" { o[token] = nil } else { o[token] = value }
            } else { o[token] = change(o[token] ?? .null, rest, op: op, value: value) }
            return .object(o)
        case .array(var a):
            let i = token == "-" ? a.count : Int(token) ?? a.count
            if rest.isEmpty {
                switch op {
                case "remove": a.remove(at: i)
                case "add": a.insert(value, at: i)
                default: a[i] = value
                }
            } else { a[i] = change(a[i], rest, op: op, value: value) }
            return .array(a)
        default: return node
        }
    }
}
