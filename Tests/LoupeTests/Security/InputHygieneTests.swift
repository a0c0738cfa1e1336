import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Pentest findings 5 (500s from data errors), 6 (numbers as doubles), 11 (static paths), 12 (content types
/// and methods) and 13 (pointers, export range).
@Suite struct InputHygieneTests {
    static let task: JSONValue = ["output_schema": ["type": "object", "properties": ["n": ["type": "integer", "maximum": 10]]]]

    @Test func numbersPostgreSQLCannotStoreAre422NamingTheField() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", Self.task)
            let huge = String(repeating: "9", count: 200_000)
            for (field, json) in [("output/total", #"{"total": 1e200000}"#), ("output/total", #"{"total": 1e-200000}"#),
                                  ("output/total", #"{"total": \#(huge)}"#)] {
                let body = #"{"task": "t", "input": "x", "confidence": 0.5, "output": \#(json)}"#
                let reply = try await f.call(.post, "/v1/items", as: .ingest, raw: body)
                #expect(reply.status == 422 && reply.isProblem, "\(json.prefix(30)) → \(reply.status)")
                #expect(reply.json["errors"]?[0]?["field"]?.stringValue == field)
            }
            let meta = try await f.call(.post, "/v1/items", as: .ingest,
                                        raw: #"{"task": "t", "input": "x", "confidence": 0.5, "output": {}, "metadata": {"a": [1e200000]}}"#)
            #expect(meta.status == 422 && meta.json["errors"]?[0]?["field"] == "metadata/a/0")
            let batch = try await f.call(.post, "/v1/items/batch", as: .ingest, raw: #"""
                {"items": [{"task": "t", "input": "a", "confidence": 0.5, "output": {"n": 1}},
                           {"task": "t", "input": "b", "confidence": 0.5, "output": {"n": 1e200000}},
                           {"task": "t", "input": "c", "confidence": 0.5, "output": {"n": 2}}]}
                """#)
            let results = batch.json["results"]?.arrayValue ?? []
            try #require(batch.status == 200 && results.count == 3, "\(batch.text.prefix(300))")
            #expect(results[0]["id"] != nil && results[2]["id"] != nil, "only the bad item fails")
            #expect(results[1]["error"]?["status"] == 422)
        }
    }

    @Test func nulInAQueryParameterIs400NamingIt() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", Self.task)
            for (path, role, name) in [("/v1/items?task=%00", Role.analyst, "task"), ("/v1/items?prompt_version=%00", .analyst, "prompt_version"),
                                       ("/v1/tasks/t/examples?query=a%00b", .ingest, "query"), ("/v1/export?task=%00", .analyst, "task")] {
                let reply = try await f.call(.get, path, as: role)
                #expect(reply.status == 400 && reply.isProblem, "\(path) → \(reply.status)")
                #expect(reply.json["detail"]?.stringValue?.contains("'\(name)'") == true)
            }
        }
    }

    @Test func anIntegerBoundIsJudgedOnTheWrittenDecimal() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", Self.task)
            let reply = try await f.call(.post, "/v1/items", as: .ingest,
                                         raw: #"{"task": "t", "input": "x", "confidence": 0.99, "output": {"n": 10.0000000000000001}}"#)
            #expect(reply.json["status"] == "pending", "10.0000000000000001 is not an integer ≤ 10")
            #expect(reply.json["reasons"]?.arrayValue?.contains { $0["code"] == "schema_invalid" } == true)
        }
    }

    @Test func staticPathsWithControlCharactersAre400() async throws {
        try await withLoupe { f in
            for path in ["/index.html%00.js", "/js/app.js%0a", "/%7f"] {
                let reply = try await f.call(.get, path, as: nil)
                #expect(reply.status == 400 && reply.isProblem, "\(path) → \(reply.status)")
            }
            #expect(try await f.call(.get, "/index.html", as: nil).status == 200)
        }
    }

    @Test func jsonBodiesNeedAJSONContentTypeAndWrongMethodsAre405() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", Self.task)
            let body = #"{"task": "t", "input": "x", "confidence": 0.5, "output": {}}"#
            for type in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml"] {
                let reply = try await f.call(.post, "/v1/items", as: .ingest, raw: body, headers: [.contentType: type])
                #expect(reply.status == 415 && reply.isProblem, "\(type) → \(reply.status)")
            }
            let vendor = try await f.call(.post, "/v1/items", as: .ingest, raw: body, headers: [.contentType: "application/vnd.loupe+json; charset=utf-8"])
            #expect(vendor.status == 201)
            let wrong = try await f.call(.patch, "/v1/items", as: .admin)
            #expect(wrong.status == 405 && wrong.isProblem)
            #expect(wrong.headers[.allow] == "DELETE, GET, HEAD, POST")
            #expect(try await f.call(.put, "/v1/items/00000000-0000-7000-8000-000000000000", as: .admin).headers[.allow] == "GET, HEAD")
            // A literal segment wins, as in the router: /v1/items/batch is not an item id (schemathesis found Allow listing GET).
            let batchGet = try await f.call(.get, "/v1/items/batch", as: .admin)
            #expect(batchGet.status == 405 && batchGet.headers[.allow] == "POST", "\(batchGet.status) \(batchGet.headers[.allow] ?? "")")
            #expect(try await f.call(.get, "/v1/nothing-here", as: .admin).status == 404)
        }
    }

    @Test func taskPointersAndExportRangesAreChecked() async throws {
        try await withLoupe { f in
            let bad = try await f.call(.put, "/v1/tasks/t", json: ["output_schema": ["type": "object"], "field_thresholds": ["/a~2b": 0.9]])
            #expect(bad.status == 422 && bad.json["detail"]?.stringValue?.contains("/a~2b") == true)
            let typo = try await f.call(.put, "/v1/tasks/t", json: ["output_schema": LoupeFixture.invoiceSchema, "field_thresholds": ["/totl": 0.9]])
            #expect(typo.status == 201)
            #expect(typo.json["warnings"]?[0]?.stringValue?.contains("/totl") == true)
            let range = try await f.call(.get, "/v1/export?task=t&since=2026-02-01&until=2026-01-01", as: .analyst)
            #expect(range.status == 422 && range.json["errors"]?[0]?["field"] == "since")
        }
    }
}
