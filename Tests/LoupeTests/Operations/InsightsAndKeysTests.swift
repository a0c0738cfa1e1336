import LoupeDomain
import LoupeJSON
import Testing

@Suite struct InsightsAndKeysTests {
    @Test func queueOverviewAndStatsCountWhatHappened() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "audit_rate": 1])
            try await f.submit("invoice", confidence: 0.1)
            try await f.submit("invoice", confidence: 0.2)
            try await f.submit("invoice", confidence: 0.99)  // approved and audit-sampled
            let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            _ = try await f.call(.post, "/v1/items/\(claimed.json["id"]!.stringValue!)/decision", as: .reviewer,
                                 json: ["action": "correct", "output": ["vendor": "X", "total": 9]])

            let queue = try await f.call(.get, "/v1/queue", as: .reviewer).json["tasks"]?[0]
            #expect(queue?["waiting"] == 2)
            #expect(queue?["audit_waiting"] == 1)
            #expect(queue?["leased"] == 0)

            let stats = try await f.call(.get, "/v1/tasks/invoice/stats", as: .analyst).json
            #expect(stats["total"] == 3)
            #expect(stats["by_status"]?["corrected"] == 1)
            #expect(stats["by_status"]?["pending"] == 1)
            #expect(stats["by_status"]?["approved"] == 1)
            let today = stats["daily"]?.arrayValue?.last
            #expect(today?["auto_approved"] == 1)
            #expect(today?["queued"] == 2)
            #expect(today?["corrected"] == 1)
            #expect(today?["queue_depth"] == 2)
            #expect(stats["reviewers"]?[0]?["reviewer"] == .string(f.actor(.reviewer)))
            #expect(try await f.call(.get, "/v1/tasks/none/stats", as: .analyst).status == 404)
        }
    }

    @Test func keysAreCreatedListedAndRevoked() async throws {
        try await withLoupe { f in
            let created = try await f.call(.post, "/v1/keys", json: ["name": "extractor", "role": "ingest"])
            #expect(created.status == 201)
            let key = created.json["key"]?.stringValue ?? ""
            #expect(try await f.call(.get, "/v1/tasks", key: key).status == 200)
            let listed = try await f.call(.get, "/v1/keys").json["keys"]?.arrayValue ?? []
            #expect(listed.contains { $0["name"] == "extractor" && $0["key"] == nil })
            let id = created.json["id"]?.stringValue ?? ""
            #expect(try await f.call(.delete, "/v1/keys/\(id)").status == 204)
            #expect(try await f.call(.get, "/v1/tasks", key: key).status == 401, "a revoked key stops working")
            #expect(try await f.call(.delete, "/v1/keys/\(id)").status == 404)
            #expect(try await f.call(.post, "/v1/keys", json: ["name": "x", "role": "root"]).status == 422)
        }
    }
}
