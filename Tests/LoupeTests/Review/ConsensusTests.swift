import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 12, points 1 and 2: consensus items need several blind reviews by different people; agreement decides them
/// ("consensus"), disagreement makes them disputed for a lead.
@Suite struct ConsensusTests {
    struct People {
        let first: String, second: String, third: String, lead: String
    }

    func people(_ f: LoupeFixture) async throws -> People {
        func key(_ name: String, _ role: Role) async throws -> String { try await f.store.keys.create(name: name, role: role, now: f.clock.now()).key }
        return People(first: try await key("r1", .reviewer), second: try await key("r2", .reviewer), third: try await key("r3", .reviewer),
                      lead: try await key("lead", .lead))
    }

    func claim(_ f: LoupeFixture, _ key: String, _ body: JSONValue = [:]) async throws -> TestReply {
        try await f.call(.post, "/v1/review/claim", as: .reviewer, key: key, json: body)
    }

    func decide(_ f: LoupeFixture, _ key: String, _ id: String, raw: String) async throws -> TestReply {
        try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, key: key, raw: raw)
    }

    @Test func agreeingApprovalsDecideByConsensusAndNobodyReviewsTwice() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "reviews_required": 2])
            let p = try await people(f)
            let id = try await f.submit("invoice", confidence: 0.2)
            #expect(try await claim(f, p.first).json["id"]?.stringValue == id)
            let first = try await decide(f, p.first, id, raw: #"{"action": "approve"}"#)
            #expect(first.status == 200 && first.json["status"] == "pending" && first.json["decision"] == .null, "one review is not a decision")
            #expect(try await claim(f, p.first).status == 204, "nobody reviews an item twice")

            let second = try await claim(f, p.second)
            #expect(second.json["id"]?.stringValue == id && second.json["reviews"] == nil, "blind: no earlier review in the claim")
            let seen = try await f.call(.get, "/v1/items/\(id)", as: .reviewer, key: p.second).json
            #expect(seen["reviews"] == nil, "nor in the item, while undecided")
            let decided = try await decide(f, p.second, id, raw: #"{"action": "approve"}"#)
            #expect(decided.json["status"] == "approved" && decided.json["decision"]?["by"] == "consensus", "\(decided.text)")
            let reviews = try await f.call(.get, "/v1/items/\(id)", as: .analyst).json["reviews"]?.arrayValue ?? []
            #expect(reviews.count == 2 && reviews.allSatisfy { $0["action"] == "approve" })
            // Exports say who decided and how many people reviewed.
            let line = try await f.call(.get, "/v1/export?task=invoice&format=jsonl", as: .analyst).text
            let exported = try JSONParser.parse(line.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(exported["decided_by"] == "consensus" && exported["reviews"] == 2 && exported["final_output"] == exported["output"], "\(line)")
            let csv = try await f.call(.get, "/v1/export?task=invoice&format=csv", as: .analyst).text
            #expect(csv.hasPrefix("item_id,") && csv.split(separator: "\r\n").first?.hasSuffix(",decided_by,reviews") == true)
            #expect(csv.split(separator: "\r\n").last?.hasSuffix(",consensus,2") == true, "\(csv)")
            try await f.expectPeopleDecisionsMatchItems()
        }
    }

    @Test func equalCorrectionsWrittenDifferentlyAgree() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "reviews_required": 2])
            let p = try await people(f)
            let id = try await f.submit("invoice", confidence: 0.2)
            _ = try await claim(f, p.first)
            _ = try await decide(f, p.first, id, raw: #"{"action": "correct", "output": {"vendor": "ACME", "total": 12.50}}"#)
            _ = try await claim(f, p.second)
            let decided = try await decide(f, p.second, id, raw: #"{"action": "correct", "output": {"total": 12.5, "vendor": "ACME"}}"#)
            #expect(decided.json["status"] == "corrected" && decided.json["decision"]?["by"] == "consensus", "\(decided.text)")
            #expect(decided.json["final_output"] == ["vendor": "ACME", "total": 12.5])
        }
    }

    @Test func disagreementIsDisputedAndALeadDecides() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "reviews_required": 2])
            let p = try await people(f)
            let id = try await f.submit("invoice", confidence: 0.2)
            _ = try await claim(f, p.first)
            _ = try await decide(f, p.first, id, raw: #"{"action": "approve"}"#)
            _ = try await claim(f, p.second)
            let split = try await decide(f, p.second, id, raw: #"{"action": "reject", "reason": "duplicate"}"#)
            #expect(split.json["status"] == "disputed" && split.json["decision"] == .null, "\(split.text)")
            let events = try await Psql.run(url: f.databaseURL, "SELECT string_agg(event, ',' ORDER BY id) FROM events WHERE item_id = '\(id)'")
            #expect(events.1.contains("item.disputed") && !events.1.contains("item.decided"), "\(events)")

            #expect(try await claim(f, p.third).status == 204, "disputed items are not in the regular queue")
            #expect(try await claim(f, p.third, ["disputed": true]).status == 403, "only leads adjudicate")
            let adjudicate = try await claim(f, p.lead, ["disputed": true])
            #expect(adjudicate.json["id"]?.stringValue == id)
            let reviews = adjudicate.json["reviews"]?.arrayValue ?? []
            #expect(Set(reviews.compactMap { $0["action"]?.stringValue }) == ["approve", "reject"], "the lead sees every review")
            #expect(reviews.allSatisfy { $0["by"]?.stringValue?.hasPrefix("key:") == true }, "and who wrote it")
            let decided = try await decide(f, p.lead, id, raw: #"{"action": "correct", "output": {"vendor": "ACME", "total": 3}}"#)
            #expect(decided.json["status"] == "corrected" && decided.json["decision"]?["by"]?.stringValue?.hasPrefix("key:") == true, "\(decided.text)")
            try await f.expectPeopleDecisionsMatchItems()
        }
    }

    @Test func reviewerFiguresCountDecisionsAndAgreementWithTheFinalDecision() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "reviews_required": 2])
            let p = try await people(f)
            let agreed = try await f.submit("invoice", confidence: 0.2)
            let split = try await f.submit("invoice", confidence: 0.2)
            for key in [p.first, p.second] {
                for _ in 0..<2 {
                    let id = try await claim(f, key).json["id"]?.stringValue ?? ""
                    let approve = id == agreed || key == p.first
                    _ = try await decide(f, key, id, raw: approve ? #"{"action": "approve"}"# : #"{"action": "reject", "reason": "no"}"#)
                }
            }
            #expect(try await f.call(.get, "/v1/items/\(split)").json["status"] == "disputed")
            _ = try await claim(f, p.lead, ["disputed": true])
            _ = try await decide(f, p.lead, split, raw: #"{"action": "approve"}"#)

            let figures = try await f.call(.get, "/v1/tasks/invoice/reviewers", as: .analyst).json["reviewers"]?.arrayValue ?? []
            let by = Dictionary(uniqueKeysWithValues: figures.compactMap { r in r["name"]?.stringValue.map { ($0, r) } })
            #expect(by["r1"]?["decisions"] == 2 && by["r1"]?["consensus_agreement"] == 1, "r1 sided with both final decisions: \(figures)")
            #expect(by["r2"]?["decisions"] == 2 && by["r2"]?["consensus_agreement"] == 0.5)
            #expect(by["lead"]?["decisions"] == 1 && by["lead"]?["consensus_agreement"] == .null, "the lead reviewed nothing; they decided")
            #expect(by["r1"]?["median_seconds"] != .null && by["r1"]?["gold_accuracy"] == .null)
            let own = try await f.call(.get, "/v1/tasks/invoice/reviewers", as: .reviewer, key: p.second).json["reviewers"]?.arrayValue ?? []
            #expect(own.count == 1 && own.first?["name"] == "r2", "a reviewer sees their own figures only")
        }
    }

    @Test func consensusRateChoosesWhichItemsNeedSeveralReviews() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "reviews_required": 3, "consensus_rate": 0])
            let p = try await people(f)
            let id = try await f.submit("invoice", confidence: 0.2)
            _ = try await claim(f, p.first)
            #expect(try await decide(f, p.first, id, raw: #"{"action": "approve"}"#).json["decision"]?["by"]?.stringValue?.hasPrefix("key:") == true,
                    "consensus_rate 0: one review decides")
            let bad = try await f.call(.put, "/v1/tasks/invoice", json: ["output_schema": LoupeFixture.invoiceSchema, "reviews_required": 6, "consensus_rate": 2])
            let fields = Set(bad.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(bad.status == 422 && fields == ["reviews_required", "consensus_rate"])
        }
        let sampled = (0..<2000).filter { _ in
            Consensus.required(id: UUID(), task: { var t = TaskDefinition(name: "t", outputSchema: true); t.reviewsRequired = 2; t.consensusRate = 0.25; return t }(), audit: false) == 2
        }.count
        #expect((400...600).contains(sampled), "about a quarter of items: \(sampled) of 2000")
    }
}
