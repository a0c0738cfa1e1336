import Foundation
import LoupeDomain
import LoupeJSON
import Testing

@Suite struct DecisionTests {
    static let task: JSONValue = ["output_schema": LoupeFixture.invoiceSchema]

    @Test func approveCorrectAndRejectSetStatusFinalOutputAndDecision() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let a = try await f.submit("invoice", confidence: 0.1, output: ["vendor": "A", "total": 1])
            let b = try await f.submit("invoice", confidence: 0.1, output: ["vendor": "B", "total": 2])
            let c = try await f.submit("invoice", confidence: 0.1, output: ["vendor": "C", "total": 3])
            for _ in 0..<3 { _ = try await f.call(.post, "/v1/review/claim", as: .reviewer) }
            f.clock.advance(30)

            let approved = try await f.call(.post, "/v1/items/\(a)/decision", as: .reviewer, json: ["action": "approve"])
            #expect(approved.json["status"] == "approved")
            #expect(approved.json["final_output"] == ["vendor": "A", "total": 1])
            #expect(approved.json["decision"]?["by"] == .string(f.actor(.reviewer)))
            #expect(approved.json["decision"]?["action"] == "approve")

            let corrected = try await f.call(.post, "/v1/items/\(b)/decision", as: .reviewer,
                                             json: ["action": "correct", "output": ["vendor": "B GmbH", "total": 2.5]])
            #expect(corrected.json["status"] == "corrected")
            #expect(corrected.json["final_output"] == ["vendor": "B GmbH", "total": 2.5])
            #expect(corrected.json["output"] == ["vendor": "B", "total": 2], "the model's output is kept")

            let rejected = try await f.call(.post, "/v1/items/\(c)/decision", as: .reviewer, json: ["action": "reject", "reason": "not an invoice"])
            #expect(rejected.json["status"] == "rejected")
            #expect(rejected.json["final_output"] == .null)
            #expect(rejected.json["decision"]?["reason"] == "not an invoice")
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer).status == 204)
        }
    }

    @Test func conflictsAre409() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let pending = try await f.submit("invoice", confidence: 0.1)
            let auto = try await f.submit("invoice", confidence: 0.99)
            let notClaimed = try await f.call(.post, "/v1/items/\(pending)/decision", as: .reviewer, json: ["action": "approve"])
            #expect(notClaimed.status == 409)
            #expect(notClaimed.json["detail"]?.stringValue?.contains("claim it first") == true)
            let notQueued = try await f.call(.post, "/v1/items/\(auto)/decision", as: .reviewer, json: ["action": "approve"])
            #expect(notQueued.status == 409)
            #expect(notQueued.json["detail"]?.stringValue?.contains("not in the review queue") == true)

            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            #expect(try await f.call(.post, "/v1/items/\(pending)/decision", as: .reviewer, json: ["action": "approve"]).status == 200)
            let twice = try await f.call(.post, "/v1/items/\(pending)/decision", as: .reviewer, json: ["action": "reject"])
            #expect(twice.status == 409)
            #expect(twice.json["detail"]?.stringValue?.contains("already decided") == true)
            #expect(try await f.call(.post, "/v1/items/\(pending)/release", as: .reviewer).status == 409)
            #expect(try await f.call(.post, "/v1/items/00000000-0000-7000-8000-000000000000/release", as: .reviewer).status == 404)
        }
    }

    @Test func anInvalidCorrectionIs422NamingThePathAndChangesNothing() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let id = try await f.submit("invoice", confidence: 0.1)
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            let reply = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer,
                                         json: ["action": "correct", "output": ["vendor": "V", "total": "ten", "due": "tomorrow"]])
            #expect(reply.status == 422)
            let fields = Set(reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(fields == ["output/total", "output/due"])
            let missing = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "correct"])
            #expect(missing.status == 422)
            #expect(missing.json["errors"]?[0]?["field"] == "output")
            let badAction = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "maybe"])
            #expect(badAction.json["errors"]?[0]?["field"] == "action")
            let item = try await f.call(.get, "/v1/items/\(id)", as: .reviewer)
            #expect(item.json["status"] == "in_review")
        }
    }

    @Test func correctingAnAuditSampleKeepsTheAutoApprovalBesideTheVerdict() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "audit_rate": 1])
            let id = try await f.submit("invoice", confidence: 0.97, output: ["vendor": "Initech", "total": 100])
            let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            #expect(claimed.json["id"]?.stringValue == id, "\(claimed.text)")
            #expect(claimed.json["status"] == "approved", "an audit item stays approved while reviewed")
            #expect(claimed.json["audit"] == true)
            let corrected = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer,
                                             json: ["action": "correct", "output": ["vendor": "Initech", "total": 1000]])
            #expect(corrected.json["status"] == "corrected")
            #expect(corrected.json["audit_verdict"] == "correct")
            #expect(corrected.json["auto_approved_at"]?.stringValue != nil)
            #expect(corrected.json["final_output"] == ["vendor": "Initech", "total": 1000])
            #expect(corrected.json["decision"]?["by"] == .string(f.actor(.reviewer)))
            try await f.expectPeopleDecisionsMatchItems()
        }
    }

    @Test func historyRecordsEveryEventWithActorAndTimeSpent() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let id = try await f.submit("invoice", confidence: 0.1)
            let second = try await f.store.keys.create(name: "second", role: .reviewer, now: f.clock.now())
            let other = second.key
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            _ = try await f.call(.post, "/v1/items/\(id)/release", as: .reviewer)
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            f.clock.advance(700)
            _ = try await f.store.review.expireLeases(now: f.clock.now())
            _ = try await f.call(.post, "/v1/review/claim", key: other)
            f.clock.advance(10)
            _ = try await f.call(.post, "/v1/items/\(id)/lease", key: other)
            f.clock.advance(5)
            _ = try await f.call(.post, "/v1/items/\(id)/decision", key: other, json: ["action": "reject", "reason": "spam"])

            let events = try await f.call(.get, "/v1/items/\(id)/history", as: .analyst).json["events"]?.arrayValue ?? []
            #expect(events.compactMap { $0["event"]?.stringValue } ==
                    ["received", "routed", "claimed", "released", "claimed", "expired", "claimed", "lease_extended", "decided"])
            let secondActor = "key:" + second.id.uuidString.lowercased()
            #expect(events.compactMap { $0["actor"]?.stringValue } == [
                f.actor(.ingest), f.actor(.ingest), f.actor(.reviewer), f.actor(.reviewer), f.actor(.reviewer),
                "system:lease-rescuer", secondActor, secondActor, secondActor,
            ])
            #expect(events.last?["actor_name"] == "second", "history shows the key's name beside its id")
            #expect(events.last?["duration_ms"] == 15000)
            #expect(events.last?["details"]?["reason"] == "spam")
            #expect(events[1]["details"]?["status"] == "pending")
            #expect(try await f.call(.get, "/v1/items/00000000-0000-7000-8000-000000000000/history", as: .ingest).status == 404)
        }
    }

    @Test func historyIsAppendOnlyInTheDatabase() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            try await f.submit("invoice", confidence: 0.1)
            // A stored row to forge: intake's own history is the item's (migration 0038), guarded on the item.
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer).status == 200)
            let url = try await TestCluster.databaseURL(f.store.location)
            for statement in ["UPDATE item_events SET actor = 'forged'", "DELETE FROM item_events", "TRUNCATE item_events",
                              "UPDATE items SET received_by = 'key:forged'", "UPDATE items SET reasons = '[]', audit = true"] {
                let (status, _, stderr) = try await Psql.run(url: url, statement)
                #expect(status != 0, "\(statement) must be refused")
                #expect(stderr.contains("append-only"), "\(stderr)")
            }
        }
    }
}
