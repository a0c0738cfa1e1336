import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Pentest findings 1 (approve skipped the schema) and 4 (identity by display name).
@Suite struct ApprovalAndIdentityTests {
    @Test func approvingAnInvalidOutputIs422AndNothingReachesTheExport() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let id = try await f.submit("invoice", confidence: 0.71, output: ["vendor": "Globex", "total": "12O.00"])
            let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            #expect(claimed.json["output_errors"]?[0]?["pointer"] == "/total", "the claim says why Approve is unavailable")
            let refused = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "approve"])
            #expect(refused.status == 422)
            #expect(refused.json["type"] == "urn:loupe:problem:invalid-output")
            #expect(refused.json["errors"]?[0]?["pointer"] == "/total")
            #expect(try await f.call(.get, "/v1/items/\(id)", as: .analyst).json["status"] == "in_review", "nothing was decided")
            let export = try await f.call(.get, "/v1/export?task=invoice&format=jsonl", as: .analyst)
            #expect(!export.text.contains("12O.00"))
            // A correction or a rejection is still possible.
            #expect(try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "reject"]).status == 200)
        }
    }

    @Test func theSchemaAsItIsNowDecidesEvenWhenItChangedDuringTheLease() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let id = try await f.submit("invoice", confidence: 0.5, output: ["vendor": "A", "total": 5])
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            var stricter = LoupeFixture.invoiceSchema
            if case .object(var o) = stricter { o["required"] = ["vendor", "total", "due"]; stricter = .object(o) }
            try await f.defineTask("invoice", ["output_schema": stricter])
            let refused = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "approve"])
            #expect(refused.status == 422 && refused.json["errors"]?[0]?["pointer"] == "/due")
        }
    }

    @Test func twoKeysWithTheSameNameAreDifferentReviewers() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let id = try await f.submit("invoice", confidence: 0.5)
            let a = try await f.newKey("pt-reviewer", role: .reviewer)
            let b = try await f.newKey("pt-reviewer", role: .reviewer)
            #expect(try await f.call(.post, "/v1/review/claim", key: a).json["id"]?.stringValue == id)
            #expect(try await f.call(.post, "/v1/items/\(id)/lease", key: b).status == 409, "B may not heartbeat A's lease")
            #expect(try await f.call(.post, "/v1/items/\(id)/decision", key: b, json: ["action": "reject"]).status == 409)
            let decided = try await f.call(.post, "/v1/items/\(id)/decision", key: a, json: ["action": "reject"])
            #expect(decided.json["decision"]?["by"]?.stringValue?.hasPrefix("key:0") == true, "actors are key ids (UUIDv7), not names")
        }
    }

    @Test func aReviewerHoldsAtMostTheTasksLeaseCap() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "max_leases": 2])
            for _ in 0..<4 { try await f.submit("invoice", confidence: 0.5) }
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer).status == 200)
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer).status == 200)
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer).status == 204, "a third lease would pass the cap of 2")
            #expect(try await f.call(.post, "/v1/review/claim", as: .admin).status == 200, "others still get work")
        }
    }
}
