import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 16, erasure: `DELETE /v1/items?task=&external_id=` removes one item's content everywhere it was copied,
/// in one transaction, keeps the skeleton, and leaves an `item.erased` tombstone.
@Suite struct ErasureTests {
    @Test func anErasureRequestRemovesContentEverywhereAndKeepsTheSkeleton() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let secret = "Zelda Quixote-\(UUID().uuidString.prefix(8))"
            let corrected = try await f.call(.post, "/v1/items", as: .ingest, json: [
                "task": "t", "external_id": "cust-1", "input": .string("refund for \(secret)"), "output": ["name": .string(secret)],
                "confidence": 0.2, "priority": 10, "metadata": ["customer": .string(secret)]]).json["id"]?.stringValue ?? ""
            let other = try await f.call(.post, "/v1/items", as: .ingest, json: [
                "task": "t", "external_id": "cust-2", "input": "keep me", "output": [:], "confidence": 0.2]).json["id"]?.stringValue ?? ""
            let decided = try await f.decideNext("correct", output: ["name": .string(secret + " Jr")], reason: "name of \(secret)")
            #expect(decided == corrected, "the higher priority item comes first")
            #expect(try await f.call(.get, "/v1/tasks/t/examples/all", as: .analyst).json["examples"]?.arrayValue?.count == 1)

            let before = try await Self.everything(f.databaseURL).lowercased()
            #expect(before.contains("zelda") && before.contains("quixote"), "copies in items, history, examples, example terms and people's decisions")
            #expect(try await f.call(.delete, "/v1/items?task=t&external_id=cust-1", as: .reviewer).status == 403, "admins only")
            #expect(try await f.call(.delete, "/v1/items?task=t").status == 422)
            #expect(try await f.call(.delete, "/v1/items?task=t&external_id=nobody").status == 404)
            let reply = try await f.call(.delete, "/v1/items?task=t&external_id=cust-1")
            #expect(reply.status == 200 && reply.json["erased"] == true, "\(reply.text)")
            let item = reply.json["item"] ?? .null
            #expect(item["input"] == .null && item["output"] == .null && item["final_output"] == .null && item["metadata"] == .null)
            #expect(item["status"] == "corrected" && item["decision"]?["action"] == "correct", "the skeleton stays")
            #expect(item["confidence"] == 0.2 && item["erased_at"]?.stringValue != nil)
            #expect(!reply.text.contains(secret))
            let again = try await f.call(.delete, "/v1/items?task=t&external_id=cust-1")
            #expect(again.status == 200 && again.json["erased"] == false, "repeating it is harmless")

            // Copies: the example, history details, the export; the other item is untouched.
            #expect(try await f.call(.get, "/v1/tasks/t/examples/all", as: .analyst).json["examples"]?.arrayValue?.count == 0)
            let history = try await f.call(.get, "/v1/items/\(corrected)/history").text
            #expect(!history.contains(secret) && history.contains("\"erased\""))
            let export = try await f.call(.get, "/v1/export?task=t&format=jsonl", as: .analyst)
            #expect(export.status == 200 && !export.text.contains(corrected))
            #expect(try await f.call(.get, "/v1/items/\(other)").json["input"] == "keep me")
            let after = try await Self.everything(f.databaseURL)
            #expect(after.contains("keep me"), "the search sees the tables")
            #expect(!after.lowercased().contains("zelda") && !after.lowercased().contains("quixote"), "no copy left in the database")

            // The tombstone, once.
            let (events, _) = try await f.store.events.page(after: .start, filter: EventFilter(), limit: 100)
            #expect(events.filter { $0.event == "item.erased" }.map(\.id).count == 1)
            // History stays append-only for everything but erasure.
            let refused = try await Psql.run(url: f.databaseURL, "UPDATE item_events SET actor = 'someone else' WHERE item_id = '\(corrected)'")
            #expect(refused.0 != 0 && refused.2.contains("append-only"))
            // (The other item has no stored history row to try: its intake is read from the item, migration 0038.)
            let refusedDetails = try await Psql.run(url: f.databaseURL, "UPDATE item_events SET details = '{\"x\": 1}' WHERE item_id = '\(corrected)'")
            #expect(refusedDetails.0 != 0 && refusedDetails.2.contains("append-only"))
        }
    }

    /// Every row of the tables an item's content is copied into, as text.
    static func everything(_ url: String) async throws -> String {
        let (status, text, error) = try await Psql.run(url: url, """
            SELECT concat_ws(' ', (SELECT string_agg(i::text, ' ') FROM items i), (SELECT string_agg(e::text, ' ') FROM item_events e),
                             (SELECT string_agg(x::text, ' ') FROM examples x), (SELECT string_agg(t::text, ' ') FROM example_terms t),
                             (SELECT string_agg(d::text, ' ') FROM webhook_deliveries d),
                             (SELECT string_agg(p::text, ' ') FROM people_decisions p))
            """)
        #expect(status == 0, "\(error)")
        return text
    }

    @Test func erasingAQueuedItemTakesItOutOfTheQueue() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let id = try await f.submit("t", confidence: 0.1, externalID: "e-1")
            #expect(try await f.call(.delete, "/v1/items?task=t&external_id=e-1").status == 200)
            let claim = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            #expect(claim.json["id"]?.stringValue != id, "nobody is served an item whose content is gone")
            #expect(try await f.call(.get, "/v1/items/\(id)").json["status"] == "pending")
        }
    }
}
