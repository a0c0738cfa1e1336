import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 13, deadlines: an undecided item is rejected, approved or escalated when its deadline passes.
/// Time is the fixture's clock; each test runs the deadline pass itself after moving it on.
@Suite struct DeadlineTests {
    func post(_ f: LoupeFixture, _ body: JSONObject) async throws -> String {
        var item: JSONObject = ["task": "agent", "input": "ctx", "output": ["x": 1], "confidence": 0.1]
        for (k, v) in body { item[k] = v }
        let reply = try await f.call(.post, "/v1/items", as: .ingest, json: .object(item))
        #expect(reply.status == 201, "intake failed: \(reply.text)")
        return reply.json["id"]?.stringValue ?? ""
    }

    func item(_ f: LoupeFixture, _ id: String) async throws -> JSONValue { try await f.call(.get, "/v1/items/\(id)").json }

    @Test func theTaskDefaultRejectsAtTheDeadlineAndNotBefore() async throws {
        try await withLoupe { f in
            try await f.defineTask("agent", ["output_schema": ["type": "object"], "deadline_seconds": 60])
            #expect(try await f.call(.get, "/v1/tasks/agent").json["on_deadline"] == "reject")
            let id = try await post(f, [:])
            let fresh = try await item(f, id)
            #expect(fresh["on_deadline"] == "reject")
            #expect(fresh["deadline_at"]?.stringValue == Timestamp.string(f.clock.now().addingTimeInterval(60)))

            f.clock.advance(59)
            #expect(try await f.store.deadlines.expire(now: f.clock.now(), limit: 500) == DeadlineOutcome())
            #expect(try await item(f, id)["status"] == "pending")

            f.clock.advance(2)
            #expect(try await f.store.deadlines.expire(now: f.clock.now(), limit: 500) == DeadlineOutcome(rejected: 1))
            let decided = try await item(f, id)
            #expect(decided["status"] == "rejected")
            #expect(decided["decision"]?["by"] == "deadline")
            #expect(decided["decision"]?["reason"]?.stringValue?.contains("deadline") == true)
            #expect(decided["final_output"] == .null)
            let history = try await f.call(.get, "/v1/items/\(id)/history").json["events"]?.arrayValue ?? []
            #expect(history.last?["event"] == "decided" && history.last?["actor"] == "deadline")
            #expect(try await f.store.deadlines.expire(now: f.clock.now().addingTimeInterval(999), limit: 500) == DeadlineOutcome(),
                    "a decided item is never acted on twice")
            try await f.expectPeopleDecisionsMatchItems()
        }
    }

    @Test func approveAtTheDeadlineKeepsTheOutputButNeverOneTheSchemaRefused() async throws {
        try await withLoupe { f in
            try await f.defineTask("agent", ["output_schema": ["type": "object", "required": ["x"]]])
            let valid = try await post(f, ["deadline_seconds": 5, "on_deadline": "approve"])
            let invalid = try await post(f, ["deadline_seconds": 5, "on_deadline": "approve", "output": ["y": 1]])
            let none = try await post(f, [:])
            #expect(try await item(f, none)["deadline_at"] == .null, "no deadline on the item or the task: none")
            f.clock.advance(6)
            #expect(try await f.store.deadlines.expire(now: f.clock.now(), limit: 500) == DeadlineOutcome(rejected: 1, approved: 1))
            let approved = try await item(f, valid)
            #expect(approved["status"] == "approved" && approved["final_output"] == ["x": 1] && approved["decision"]?["by"] == "deadline")
            let refused = try await item(f, invalid)
            #expect(refused["status"] == "rejected")
            #expect(refused["decision"]?["reason"]?.stringValue?.contains("invalid against the schema") == true)
            #expect(try await item(f, none)["status"] == "pending")
        }
    }

    @Test func escalationRaisesTheItemAboveEveryOtherAndTellsWebhooks() async throws {
        let receiver = try await WebhookReceiver()
        try await withLoupe { f in
            try await f.defineTask("agent", ["output_schema": ["type": "object"], "deadline_seconds": 30, "on_deadline": "escalate"])
            let hook = try await f.call(.post, "/v1/webhooks", json: ["url": .string(receiver.url), "events": ["item.escalated"]])
            #expect(hook.status == 201, "item.escalated is an event webhooks may subscribe to: \(hook.text)")
            let urgent = try await post(f, ["priority": 1000, "deadline_seconds": 3600])
            let late = try await post(f, ["priority": -5])
            f.clock.advance(31)
            #expect(try await f.store.deadlines.expire(now: f.clock.now(), limit: 500) == DeadlineOutcome(escalated: 1))
            let escalated = try await item(f, late)
            #expect(escalated["status"] == "pending" && escalated["decision"] == .null, "escalation decides nothing")
            #expect(escalated["escalated_at"]?.stringValue == Timestamp.string(f.clock.now()))
            let got = try await receiver.accepted(1)
            #expect(got[0].event == "item.escalated" && got[0].json["item"]?["id"]?.stringValue == late)

            let first = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            #expect(first.json["id"]?.stringValue == late, "escalated before a non-escalated item of the highest priority")
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer).json["id"]?.stringValue == urgent)
            #expect(try await f.store.deadlines.expire(now: f.clock.now().addingTimeInterval(60), limit: 500) == DeadlineOutcome(),
                    "an item escalates once")
        }
        await receiver.stop()
    }

    @Test func aPersonDecidingFirstWinsAndALeaseDoesNotHoldTheDeadlineBack() async throws {
        try await withLoupe { f in
            try await f.defineTask("agent", ["output_schema": ["type": "object"], "deadline_seconds": 10])
            // Both arrive at the same (fixed) instant, so either may be claimed first.
            let posted = Set([try await post(f, [:]), try await post(f, [:])])
            let first = try await f.decideNext("approve")
            let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            let second = claimed.json["id"]?.stringValue ?? ""
            #expect(posted == [first, second])
            f.clock.advance(11)
            #expect(try await f.store.deadlines.expire(now: f.clock.now(), limit: 500) == DeadlineOutcome(rejected: 1))
            #expect(try await item(f, first)["status"] == "approved")
            let late = try await f.call(.post, "/v1/items/\(second)/decision", as: .reviewer, json: ["action": "approve"])
            #expect(late.status == 409 && late.text.contains("already decided"), "the reviewer holding it hears it was decided")
        }
    }

    @Test func badDeadlinesAreRefusedByName() async throws {
        try await withLoupe { f in
            let task = try await f.call(.put, "/v1/tasks/agent", json: ["output_schema": ["type": "object"], "deadline_seconds": 0,
                                                                         "on_deadline": "later"])
            #expect(task.status == 422 && task.isProblem)
            #expect(task.text.contains("deadline_seconds") && task.text.contains("on_deadline") && task.text.contains("escalate"))
            try await f.defineTask("agent", ["output_schema": ["type": "object"]])
            let item = try await f.call(.post, "/v1/items", as: .ingest, json: [
                "task": "agent", "input": "x", "output": [:], "confidence": 0.1, "deadline_seconds": 1.5, "on_deadline": 3,
            ])
            #expect(item.status == 422 && item.text.contains("whole number") && item.text.contains("on_deadline"))
        }
    }
}
