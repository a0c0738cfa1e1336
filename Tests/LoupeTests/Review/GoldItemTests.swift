import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 12, point 3: gold items are served among real items at `gold_rate`, look like any other item to the reviewer,
/// are scored per field against the known output, and never leak into lists, exports, examples, events or analytics.
@Suite struct GoldItemTests {
    func reviewer(_ f: LoupeFixture, _ name: String) async throws -> String {
        try await f.store.keys.create(name: name, role: .reviewer, now: f.clock.now()).key
    }

    func claim(_ f: LoupeFixture, _ key: String) async throws -> TestReply {
        try await f.call(.post, "/v1/review/claim", as: .reviewer, key: key, json: ["task": "invoice"])
    }

    func decide(_ f: LoupeFixture, _ key: String, _ id: String, raw: String) async throws -> TestReply {
        try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, key: key, raw: raw)
    }

    func sql(_ f: LoupeFixture, _ query: String) async throws -> String {
        try await Psql.run(url: f.databaseURL, query).1.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func keys(_ value: JSONValue) -> Set<String> { Set((value.objectValue ?? JSONObject()).map(\.key)) }

    static let gold: JSONValue = ["input": "Invoice 7 from ACME, total 12.50", "output": ["vendor": "ACME", "total": 12.5],
                                  "shown_output": ["vendor": "ACME", "total": 125], "external_id": "inv-7", "confidence": 0.42]

    @Test func goldIsServedLikeAnyItemScoredPerFieldAndNeverLeaks() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "gold_rate": 1, "approvals_as_examples": true,
                                               "reviews_required": 2, "consensus_rate": 1])
            let created = try await f.call(.post, "/v1/tasks/invoice/gold", as: .lead, json: Self.gold)
            #expect(created.status == 201, "\(created.text)")
            let again = try await f.call(.post, "/v1/tasks/invoice/gold", as: .lead, json: Self.gold)
            #expect(again.status == 200 && again.json["id"] == created.json["id"], "the same external_id is the same gold item")
            let invalid = try await f.call(.post, "/v1/tasks/invoice/gold", as: .lead, json: ["input": "x", "output": ["vendor": "", "total": 1]])
            #expect(invalid.status == 422 && invalid.text.contains("output/vendor"), "\(invalid.text)")
            #expect(try await f.call(.post, "/v1/tasks/invoice/gold", as: .reviewer, json: Self.gold).status == 403)

            let r1 = try await reviewer(f, "r1")
            let r2 = try await reviewer(f, "r2")
            let r3 = try await reviewer(f, "r3")
            #expect(try await claim(f, r1).status == 204, "no gold into a queue without real work")
            let real = try await f.submit("invoice", confidence: 0.3, externalID: "inv-8")

            // r1 gets the gold item first (gold_rate 1): shaped like the real item they get next.
            let served = try await claim(f, r1)
            let goldCopy = try #require(served.json["id"]?.stringValue)
            #expect(goldCopy != real && served.json["external_id"] == "inv-7" && served.json["status"] == "in_review")
            #expect(served.json["output"] == ["vendor": "ACME", "total": 125] && served.json["confidence"] == 0.42)
            #expect(served.json["reasons"]?[0]?["code"] == "below_threshold", "\(served.text)")
            let history = try await f.call(.get, "/v1/items/\(goldCopy)/history", as: .reviewer, key: r1).json["events"]?.arrayValue ?? []
            #expect(history.compactMap { $0["event"]?.stringValue } == ["received", "routed", "claimed"])
            let eventIDs = history.compactMap { $0["id"]?.doubleValue.map { Int($0) } }
            #expect(eventIDs.count == 3 && eventIDs[1] == eventIDs[0] + 1, "ids spaced as a real item's are: \(eventIDs)")
            let stored = try await sql(f, "SELECT string_agg(event, ',' ORDER BY id) FROM item_events WHERE item_id = '\(goldCopy)'")
            #expect(stored == "claimed", "its intake is read from the item, as a real item's is (migration 0038)")
            func sender(_ id: String) async throws -> JSONValue? {
                try await f.call(.get, "/v1/items/\(id)/history", as: .lead).json["events"]?[0]?["actor"]
            }
            let goldSender = try await sender(goldCopy)
            let realSender = try await sender(real)
            #expect(goldSender?.stringValue?.hasPrefix("key:") == true && goldSender == realSender,
                    "received from whoever sends the task's real items")
            #expect(history.dropFirst().first?["details"] == ["status": "pending", "audit": false, "reasons": served.json["reasons"] ?? .null])
            let answered = try await decide(f, r1, goldCopy, raw: #"{"action": "correct", "output": {"total": 12.50, "vendor": "ACME"}}"#)
            #expect(answered.json["status"] == "corrected", "one answer decides a gold item, consensus or not: \(answered.text)")

            let next = try await claim(f, r1)
            #expect(next.json["id"]?.stringValue == real, "each reviewer answers each gold item once")
            #expect(Self.keys(next.json) == Self.keys(served.json), "same shape")
            _ = try await decide(f, r1, real, raw: #"{"action": "approve"}"#)

            let second = try #require(try await claim(f, r2).json["id"]?.stringValue)
            #expect(second != goldCopy && second != real, "every reviewer gets a copy of their own")
            _ = try await decide(f, r2, second, raw: #"{"action": "approve"}"#)
            let third = try #require(try await claim(f, r3).json["id"]?.stringValue)
            _ = try await decide(f, r3, third, raw: #"{"action": "reject", "reason": "looks wrong"}"#)
            #expect(try await claim(f, r2).json["id"]?.stringValue == real)
            let agreed = try await decide(f, r2, real, raw: #"{"action": "approve"}"#)
            #expect(agreed.json["decision"]?["by"] == "consensus", "real items still need their two reviews: \(agreed.text)")

            // Scored per field against the known output; leads see it, the reviewer does not.
            let figures = try await f.call(.get, "/v1/tasks/invoice/reviewers", as: .lead).json["reviewers"]?.arrayValue ?? []
            func row(_ key: String) async throws -> JSONValue? {
                let id = try await sql(f, "SELECT id FROM api_keys WHERE name = '\(key)'")
                return figures.first { $0["by"]?.stringValue == "key:" + id }
            }
            let one = try await row("r1")
            let two = try await row("r2")
            let three = try await row("r3")
            #expect(one?["gold_items"] == 1 && one?["gold_accuracy"] == 1 && one?["gold_field_accuracy"] == ["/total": 1, "/vendor": 1], "\(figures)")
            #expect(one?["decisions"] == 2, "a gold answer is a decision like any other")
            #expect(two?["gold_items"] == 1 && two?["gold_accuracy"] == 0 && two?["gold_field_accuracy"] == ["/total": 0, "/vendor": 1], "\(figures)")
            #expect(three?["gold_accuracy"] == 0 && three?["gold_field_accuracy"] == ["/total": 0, "/vendor": 0], "\(figures)")
            let own = try await f.call(.get, "/v1/tasks/invoice/reviewers", as: .reviewer, key: r1).json["reviewers"]?.arrayValue ?? []
            #expect(own.count == 1 && own.first?["gold_items"] == 0 && own.first?["gold_accuracy"] == .null && own.first?["decisions"] == 2)
            let listed = try await f.call(.get, "/v1/tasks/invoice/gold", as: .analyst).json["gold"]?.arrayValue ?? []
            #expect(listed.count == 1 && listed.first?["served"] == 3 && listed.first?["answered"] == 3 && listed.first?["accuracy"] == 0.3333)

            // Never listed, exported, turned into examples, announced, or counted as the model's work.
            let ids = (try await f.call(.get, "/v1/items?task=invoice", as: .admin).json["items"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            #expect(ids == [real])
            let export = try await f.call(.get, "/v1/export?task=invoice&format=jsonl", as: .analyst).text
            #expect(export.split(separator: "\n").count == 1 && export.contains(real) && !export.contains("ACME"), "\(export)")
            #expect(try await sql(f, "SELECT count(*) FROM examples e JOIN items i ON i.id = e.source_item WHERE i.gold_id IS NOT NULL") == "0")
            #expect(try await sql(f, "SELECT count(*) FROM examples WHERE task = 'invoice'") == "1", "the real approval is an example")
            #expect(try await sql(f, "SELECT count(*) FROM events e JOIN items i ON i.id = e.item_id WHERE i.gold_id IS NOT NULL") == "0")
            #expect(try await sql(f, "SELECT sum(items) FROM risk_rollup WHERE task = 'invoice'") == "1")
            let stats = try await f.call(.get, "/v1/tasks/invoice/stats", as: .analyst).json
            #expect(stats["total"] == 1, "\(stats)")

            // Retired: no longer served.
            let goldID = try #require(created.json["id"]?.stringValue)
            #expect(try await f.call(.delete, "/v1/tasks/invoice/gold/\(goldID)", as: .lead).status == 200)
            let r4 = try await reviewer(f, "r4")
            let later = try await f.submit("invoice", confidence: 0.3)
            #expect(try await claim(f, r4).json["id"]?.stringValue == later)
            try await f.expectPeopleDecisionsMatchItems(atLeast: 0)  // no gold copy among them
        }
    }

    @Test func aGoldItemLetGoComesBackAndStaysTheReviewersOwn() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "gold_rate": 1])
            _ = try await f.call(.post, "/v1/tasks/invoice/gold", as: .lead, json: Self.gold)
            let real = try await f.submit("invoice", confidence: 0.3)
            let r1 = try await reviewer(f, "r1")
            let r2 = try await reviewer(f, "r2")
            let copy = try #require(try await claim(f, r1).json["id"]?.stringValue)
            #expect(try await f.call(.post, "/v1/items/\(copy)/release", as: .reviewer, key: r1).status == 200)
            #expect(try await claim(f, r1).json["id"]?.stringValue == copy, "the same row comes back to them")
            _ = try await f.call(.post, "/v1/items/\(copy)/release", as: .reviewer, key: r1)
            let other = try #require(try await claim(f, r2).json["id"]?.stringValue)
            #expect(other != copy && other != real, "another reviewer never gets someone else's copy")

            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "gold_rate": 0])
            let r3 = try await reviewer(f, "r3")
            #expect(try await claim(f, r3).json["id"]?.stringValue == real, "gold_rate 0 serves no gold")
        }
    }

    @Test func goldIsServedAtTheTasksRate() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "gold_rate": 0.3])
            _ = try await f.call(.post, "/v1/tasks/invoice/gold", as: .lead, json: Self.gold)
            _ = try await f.submit("invoice", confidence: 0.3)
            let r1 = try await reviewer(f, "r1")
            var gold = 0
            for _ in 0..<200 {
                let claimed = try await claim(f, r1)
                let id = try #require(claimed.json["id"]?.stringValue)
                if try await sql(f, "SELECT gold_id IS NOT NULL FROM items WHERE id = '\(id)'") == "t" { gold += 1 }
                _ = try await f.call(.post, "/v1/items/\(id)/release", as: .reviewer, key: r1)
            }
            // Binomial(200, 0.3): mean 60, standard deviation 6.5; the bounds are 4.6 deviations away.
            #expect((30...90).contains(gold), "\(gold) of 200 claims served gold at gold_rate 0.3")
        }
    }
}
