import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 15, point 5: comments on items, for the next reviewer or flagged for the lead; in the item's history.
@Suite struct CommentsTests {
    @Test func commentsAreKeptInOrderInHistoryAndFlaggedItemsAreListed() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let a = try await f.submit("invoice", confidence: 0.1, externalID: "a")
            let b = try await f.submit("invoice", confidence: 0.1, externalID: "b")

            let note = try await f.call(.post, "/v1/items/\(a)/comments", as: .reviewer, json: ["text": "  vendor name is cut off in the scan  "])
            #expect(note.status == 201 && note.json["event"] == "commented" && note.json["details"] == ["text": "vendor name is cut off in the scan", "flag": false])
            let flagged = try await f.call(.post, "/v1/items/\(a)/comments", as: .analyst, json: ["text": "lead: is ACME a known vendor?", "flag": true])
            #expect(flagged.status == 201)
            let listed = try await f.call(.get, "/v1/items/\(a)/comments", as: .reviewer).json["comments"]?.arrayValue ?? []
            #expect(listed.compactMap { $0["details"]?["text"]?.stringValue } == ["vendor name is cut off in the scan", "lead: is ACME a known vendor?"])
            #expect(try await f.call(.get, "/v1/items/\(b)/comments", as: .reviewer).json["comments"] == [])

            let history = try await f.call(.get, "/v1/items/\(a)/history", as: .reviewer).json["events"]?.arrayValue ?? []
            #expect(history.filter { $0["event"] == "commented" }.count == 2, "comments are history")
            let upstream = try await f.call(.get, "/v1/items/\(a)/history", as: .ingest).json["events"]?.arrayValue ?? []
            #expect(!upstream.isEmpty && upstream.allSatisfy { $0["event"] != "commented" }, "people's comments are not the upstream system's")

            let forLead = try await f.call(.get, "/v1/items?flagged=true", as: .analyst).json["items"]?.arrayValue ?? []
            #expect(forLead.compactMap { $0["id"]?.stringValue } == [a])
            #expect(try await f.call(.get, "/v1/items?flagged=maybe", as: .analyst).status == 422)

            let blank = try await f.call(.post, "/v1/items/\(b)/comments", as: .reviewer, json: ["text": "   "])
            #expect(blank.status == 422 && blank.isProblem)
            let long = try await f.call(.post, "/v1/items/\(b)/comments", as: .reviewer, json: ["text": .string(String(repeating: "x", count: 4001))])
            #expect(long.status == 422)
            #expect(try await f.call(.post, "/v1/items/\(UUID().uuidString.lowercased())/comments", as: .reviewer, json: ["text": "hi"]).status == 404)
            #expect(try await f.call(.post, "/v1/items/\(b)/comments", as: .ingest, json: ["text": "hi"]).status == 403)

            // Erasure takes the comments' words with the content; an erased item takes no new ones.
            #expect(try await f.call(.delete, "/v1/items?task=invoice&external_id=a").status == 200)
            let after = try await f.call(.get, "/v1/items/\(a)/comments", as: .reviewer).json["comments"]?.arrayValue ?? []
            #expect(after.count == 2 && after.allSatisfy { $0["details"]?["text"] == nil && $0["details"]?["erased"] == true })
            #expect(try await f.call(.post, "/v1/items/\(a)/comments", as: .reviewer, json: ["text": "still there?"]).status == 409)
        }
    }
}
