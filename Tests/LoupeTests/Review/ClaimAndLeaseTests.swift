import LoupeDomain
import LoupeJSON
import Testing

@Suite struct ClaimAndLeaseTests {
    static let task: JSONValue = ["output_schema": LoupeFixture.invoiceSchema, "instructions": "Check the total.", "lease_seconds": 600]

    @Test func claimOrderIsPriorityThenRegularBeforeAuditThenOldest() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            try await f.defineTask("audited", ["output_schema": LoupeFixture.invoiceSchema, "audit_rate": 1])
            let old = try await f.submit("invoice", confidence: 0.2)
            f.clock.advance(1)
            let audit = try await f.submit("audited", confidence: 0.99)
            f.clock.advance(1)
            let urgent = try await f.submit("invoice", confidence: 0.2, priority: 5)
            f.clock.advance(1)
            let newer = try await f.submit("invoice", confidence: 0.2)
            f.clock.advance(1)
            try await f.submit("invoice", confidence: 0.99)  // auto-approved, never queued

            var order: [String] = []
            while true {
                let reply = try await f.call(.post, "/v1/review/claim", as: .reviewer)
                if reply.status == 204 { break }
                #expect(reply.status == 200)
                order.append(reply.json["id"]?.stringValue ?? "")
            }
            #expect(order == [urgent, old, newer, audit])
        }
    }

    @Test func claimCarriesTheTaskAndLeaseAndCanBeFiltered() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            try await f.defineTask("other", ["output_schema": true])
            try await f.submit("other", confidence: 0.1)
            let id = try await f.submit("invoice", confidence: 0.1)
            let reply = try await f.call(.post, "/v1/review/claim", as: .reviewer, json: ["task": "invoice"])
            #expect(reply.json["id"]?.stringValue == id)
            #expect(reply.json["status"] == "in_review")
            #expect(reply.json["instructions"] == "Check the total.")
            #expect(reply.json["output_schema"] == LoupeFixture.invoiceSchema)
            #expect(reply.json["lease_expires_at"]?.stringValue == Timestamp.string(f.clock.now().addingTimeInterval(600)))
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer, json: ["task": "invoice"]).status == 204)
            let leases = try await f.call(.get, "/v1/review/leases", as: .reviewer)
            #expect(leases.json["leases"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == [id])
        }
    }

    @Test func concurrentClaimsNeverShareAnItem() async throws {
        try await withLoupe { f in
            // One key claims all of them here, so the task lets it hold more than the default 3 leases.
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "max_leases": 20])
            for _ in 0..<12 { try await f.submit("invoice", confidence: 0.1) }
            let ids = try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<16 {
                    group.addTask {
                        let r = try await f.call(.post, "/v1/review/claim", as: .reviewer)
                        return r.status == 200 ? r.json["id"]?.stringValue : nil
                    }
                }
                return try await group.reduce(into: [String]()) { if let id = $1 { $0.append(id) } }
            }
            #expect(ids.count == 12)
            #expect(Set(ids).count == 12)
        }
    }

    @Test func anExpiredLeaseReturnsToTheQueueAndTheLateDecisionConflicts() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let id = try await f.submit("invoice", confidence: 0.1)
            let alice = try await f.newKey("alice", role: .reviewer), bob = try await f.newKey("bob", role: .reviewer)
            #expect(try await f.call(.post, "/v1/review/claim", key: alice).json["id"]?.stringValue == id)
            #expect(try await f.call(.post, "/v1/review/claim", key: bob).status == 204)

            f.clock.advance(599)
            #expect(try await f.store.review.expireLeases(now: f.clock.now()) == 0)
            f.clock.advance(2)
            #expect(try await f.store.review.expireLeases(now: f.clock.now()) == 1)
            let item = try await f.call(.get, "/v1/items/\(id)", as: .reviewer)
            #expect(item.json["status"] == "pending")
            #expect(item.json["queue"] == "waiting")

            #expect(try await f.call(.post, "/v1/review/claim", key: bob).json["id"]?.stringValue == id)
            let late = try await f.call(.post, "/v1/items/\(id)/decision", key: alice, json: ["action": "approve"])
            #expect(late.status == 409)
            #expect(late.isProblem)
            #expect(late.json["detail"]?.stringValue?.contains("another reviewer") == true)
            #expect(try await f.call(.post, "/v1/items/\(id)/decision", key: bob, json: ["action": "approve"]).status == 200)
        }
    }

    @Test func aLateDecisionCountsWhenNobodyReclaimedTheItem() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let id = try await f.submit("invoice", confidence: 0.1)
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            f.clock.advance(700)
            #expect(try await f.store.review.expireLeases(now: f.clock.now()) == 1)
            let decided = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "approve"])
            #expect(decided.status == 200, "work is not lost when a reviewer is merely slow")
        }
    }

    @Test func heartbeatExtendsTheLease() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let id = try await f.submit("invoice", confidence: 0.1)
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            f.clock.advance(500)
            let beat = try await f.call(.post, "/v1/items/\(id)/lease", as: .reviewer)
            #expect(beat.status == 200)
            #expect(beat.json["lease_expires_at"]?.stringValue == Timestamp.string(f.clock.now().addingTimeInterval(600)))
            f.clock.advance(500)
            #expect(try await f.store.review.expireLeases(now: f.clock.now()) == 0)
            let other = try await f.newKey("other", role: .reviewer)
            #expect(try await f.call(.post, "/v1/items/\(id)/lease", key: other).status == 409)
        }
    }

    @Test func releaseHandsTheItemBack() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", Self.task)
            let id = try await f.submit("invoice", confidence: 0.1)
            let other = try await f.newKey("other", role: .reviewer)
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            #expect(try await f.call(.post, "/v1/items/\(id)/release", key: other).status == 409)
            f.clock.advance(42)
            #expect(try await f.call(.post, "/v1/items/\(id)/release", as: .reviewer).status == 200)
            let item = try await f.call(.get, "/v1/items/\(id)", as: .reviewer)
            #expect(item.json["status"] == "pending")
            #expect(item.json["lease"] == .null)
            #expect(try await f.call(.post, "/v1/review/claim", key: other).json["id"]?.stringValue == id)
            let history = try await f.call(.get, "/v1/items/\(id)/history", as: .analyst)
            let released = history.json["events"]?.arrayValue?.first { $0["event"] == "released" }
            #expect(released?["duration_ms"] == 42000)
        }
    }
}
