import Hummingbird
import HummingbirdTesting
import LoupeDomain
import LoupeJSON
import Testing

@Suite struct AuthTests {
    @Test func missingMalformedAndUnknownKeysAre401() async throws {
        try await withLoupe { f in
            let none = try await f.call(.get, "/v1/tasks", as: nil)
            #expect(none.status == 401)
            #expect(none.isProblem)
            #expect(none.headers[.wwwAuthenticate] == "Bearer")
            let unknown = try await f.client.execute(uri: "/v1/tasks", method: .get, headers: [.authorization: "Bearer lp_nope"]) {
                Int($0.status.code)
            }
            #expect(unknown == 401)
            let basic = try await f.client.execute(uri: "/v1/tasks", method: .get, headers: [.authorization: "Basic abc"]) {
                Int($0.status.code)
            }
            #expect(basic == 401)
        }
    }

    /// Each route with the roles allowed on it; every other role (except admin) must get 403.
    static let matrix: [(method: HTTPRequest.Method, path: String, allowed: Set<Role>)] = [
        (.put, "/v1/tasks/t", [.admin]),
        (.get, "/v1/tasks", [.ingest, .reviewer, .analyst, .admin]),
        (.get, "/v1/tasks/t", [.ingest, .reviewer, .analyst, .admin]),
        (.post, "/v1/items", [.ingest, .admin]),
        (.post, "/v1/items/batch", [.ingest, .admin]),
        (.get, "/v1/items", [.ingest, .reviewer, .analyst, .admin]),
        (.get, "/v1/items/00000000-0000-7000-8000-000000000000", [.ingest, .reviewer, .analyst, .admin]),
        (.get, "/v1/items/00000000-0000-7000-8000-000000000000/history", [.ingest, .reviewer, .analyst, .admin]),
        (.post, "/v1/review/claim", [.reviewer, .admin]),
        (.get, "/v1/review/leases", [.reviewer, .admin]),
        (.post, "/v1/items/00000000-0000-7000-8000-000000000000/lease", [.reviewer, .admin]),
        (.post, "/v1/items/00000000-0000-7000-8000-000000000000/release", [.reviewer, .admin]),
        (.post, "/v1/items/00000000-0000-7000-8000-000000000000/decision", [.reviewer, .admin]),
        (.get, "/v1/queue", [.reviewer, .analyst, .admin]),
        (.get, "/v1/tasks/t/stats", [.analyst, .admin]),
        (.get, "/v1/keys", [.admin]),
        (.post, "/v1/webhooks", [.admin]),
        (.post, "/v1/callback-secret", [.ingest, .admin]),
        (.get, "/v1/webhooks", [.admin]),
        (.delete, "/v1/webhooks/00000000-0000-7000-8000-000000000000", [.admin]),
        (.get, "/v1/webhooks/00000000-0000-7000-8000-000000000000/deliveries", [.admin]),
        (.post, "/v1/deliveries/00000000-0000-7000-8000-000000000000/redeliver", [.admin]),
        (.get, "/v1/tasks/t/examples", [.ingest, .analyst, .admin]),
        (.get, "/v1/tasks/t/examples/all", [.analyst, .admin]),
        (.patch, "/v1/examples/00000000-0000-7000-8000-000000000000", [.analyst, .admin]),
        (.get, "/v1/export?task=t", [.analyst, .admin]),
        (.post, "/v1/keys", [.admin]),
        (.delete, "/v1/keys/00000000-0000-7000-8000-000000000000", [.admin]),
    ]

    @Test func rolesAreCheckedOnEveryRoute() async throws {
        try await withLoupe { f in
            for route in Self.matrix {
                for role in Role.allCases {
                    let reply = try await f.call(route.method, route.path, as: role, raw: "{}")
                    // A lead is a reviewer who also adjudicates: every reviewer route is theirs too.
                    if route.allowed.contains(role) || (role == .lead && route.allowed.contains(.reviewer)) {
                        #expect(reply.status != 403 && reply.status != 401, "\(role) should pass \(route.method) \(route.path)")
                    } else {
                        #expect(reply.status == 403, "\(role) must be refused on \(route.method) \(route.path), got \(reply.status)")
                        #expect(reply.isProblem)
                        #expect(reply.json["detail"]?.stringValue?.contains(role.rawValue) == true)
                    }
                }
            }
        }
    }
}

@Suite struct ErrorClassTests {
    @Test func everyErrorIsProblemJSONNamingTheField() async throws {
        try await withLoupe(limits: .init(maxBytes: 4096, maxBatchBytes: 8192, maxDepth: 16)) { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])

            let badJSON = try await f.call(.post, "/v1/items", as: .ingest, raw: #"{"task": "invoice", "#)
            #expect(badJSON.status == 400)
            #expect(badJSON.isProblem)

            let tooLarge = try await f.call(.post, "/v1/items", as: .ingest, raw: "[" + String(repeating: "1,", count: 3000) + "1]")
            #expect(tooLarge.status == 413)
            #expect(tooLarge.isProblem)

            let deep = try await f.call(.post, "/v1/items", as: .ingest, raw: String(repeating: "[", count: 40) + String(repeating: "]", count: 40))
            #expect(deep.status == 400)
            #expect(deep.json["detail"]?.stringValue?.contains("nesting") == true)

            let cases: [(JSONValue, String)] = [
                (["task": "invoice", "input": "x", "output": [:], "confidence": "high"], "confidence"),
                (["task": "invoice", "input": "x", "output": [:], "confidence": 1.01], "confidence"),
                (["task": "invoice", "input": "x", "output": [:], "confidence": -0.1], "confidence"),
                (["task": "invoice", "output": [:], "confidence": 0.5], "input"),
                (["task": "invoice", "input": "x", "confidence": 0.5], "output"),
                (["input": "x", "output": [:], "confidence": 0.5], "task"),
                (["task": "unknown", "input": "x", "output": [:], "confidence": 0.5], "task"),
                (["task": 7, "input": "x", "output": [:], "confidence": 0.5], "task"),
                (["task": "invoice", "input": "x", "output": [:], "confidence": 0.5, "external_id": ""], "external_id"),
                (["task": "invoice", "input": "x", "output": [:], "confidence": 0.5, "field_confidence": ["total": 0.5]], "field_confidence[total]"),
                (["task": "invoice", "input": "x", "output": [:], "confidence": 0.5, "metadata": [1]], "metadata"),
                (["task": "invoice", "input": "x", "output": [:], "confidence": 0.5, "confidense": 1], "confidense"),
                ([1, 2], "body"),
            ]
            for (body, field) in cases {
                let reply = try await f.call(.post, "/v1/items", as: .ingest, json: body)
                #expect(reply.status == 422, "\(JSONWriter.string(body)) → \(reply.status)")
                #expect(reply.isProblem)
                let fields = reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(fields.contains(field), "\(JSONWriter.string(body)) should name \(field): \(reply.text)")
            }

            let nul = try await f.call(.post, "/v1/items", as: .ingest, raw: #"{"task":"invoice","input":"a\u0000b","output":{},"confidence":0.5}"#)
            #expect(nul.status == 400)

            let notFound = try await f.call(.get, "/v1/items/not-a-uuid", as: .analyst)
            #expect(notFound.status == 404)
            #expect(notFound.isProblem)
            let noItem = try await f.call(.get, "/v1/items/00000000-0000-7000-8000-000000000000", as: .analyst)
            #expect(noItem.status == 404)
            let noRoute = try await f.call(.get, "/v2/whatever", as: nil)
            #expect(noRoute.status == 404)
            #expect(noRoute.isProblem)
            let badQuery = try await f.call(.get, "/v1/items?limit=0&status=lost&after=x", as: .analyst)
            #expect(badQuery.status == 422)
            #expect(Set(badQuery.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []) == ["limit", "status", "after"])
        }
    }
}

@Suite struct TaskDefinitionTests {
    @Test func invalidSchemasAndThresholdsAre422NamingTheProblem() async throws {
        try await withLoupe { f in
            let badSchema = try await f.call(.put, "/v1/tasks/t", json: ["output_schema": ["type": "objekt"]])
            #expect(badSchema.status == 422)
            #expect(badSchema.json["detail"]?.stringValue?.contains("'objekt'") == true)
            let badRef = try await f.call(.put, "/v1/tasks/t", json: ["output_schema": ["$ref": "#/$defs/none"]])
            #expect(badRef.status == 422)
            let noSchema = try await f.call(.put, "/v1/tasks/t", json: ["threshold": 0.5])
            #expect(noSchema.json["errors"]?[0]?["field"] == "output_schema")
            let badThreshold = try await f.call(.put, "/v1/tasks/t", json: ["output_schema": true, "threshold": 1.5])
            #expect(badThreshold.status == 422)
            #expect(badThreshold.json["errors"]?[0]?["field"] == "threshold")
            let badField = try await f.call(.put, "/v1/tasks/t", json: ["output_schema": true, "field_thresholds": ["/a": 2]])
            #expect(badField.json["errors"]?[0]?["field"] == "field_thresholds[/a]")
            let badName = try await f.call(.put, "/v1/tasks/has%20space", json: ["output_schema": true])
            #expect(badName.status == 422)
        }
    }

    @Test func tasksAreCreatedReplacedAndListed() async throws {
        try await withLoupe { f in
            let created = try await f.call(.put, "/v1/tasks/reply", json: ["output_schema": ["type": "string"], "instructions": "Be kind"])
            #expect(created.status == 201)
            #expect(created.json["threshold"] == 0.85)
            #expect(created.json["audit_rate"] == 0)
            let replaced = try await f.call(.put, "/v1/tasks/reply", json: ["output_schema": ["type": "string"], "threshold": 0.7])
            #expect(replaced.status == 200)
            let fetched = try await f.call(.get, "/v1/tasks/reply", as: .reviewer)
            #expect(fetched.json["threshold"] == 0.7)
            #expect(fetched.json["instructions"] == "")
            let listed = try await f.call(.get, "/v1/tasks", as: .ingest)
            #expect(listed.json["tasks"]?.arrayValue?.count == 1)
            #expect(try await f.call(.get, "/v1/tasks/missing", as: .ingest).status == 404)
            // Intake sees the replaced threshold at once.
            let item = try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "reply", "input": "q", "output": "a", "confidence": 0.75])
            #expect(item.json["status"] == "approved")
        }
    }
}
