import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 11, delivery isolation: admins see per-item callbacks and cancel those to a bad host.
@Suite struct CallbackAdminTests {
    @Test func adminsListCallbacksByHostAndCancelThoseStillToBeSent() async throws {
        // Nothing listens there: every attempt fails at once and is retried later, so callbacks wait as for a dead host.
        let dead = "http://127.0.0.1:9/callback"
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let items: [JSONValue] = (0..<6).map { i in
                ["task": "t", "input": .string("item \(i)"), "output": [:], "confidence": 0.99, "callback_url": .string(dead)]
            }
            #expect(try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)]).status == 200)
            let host = URL(string: dead)!.host!

            let listed = try await f.call(.get, "/v1/callbacks?host=\(host)")
            #expect(listed.status == 200)
            let all = listed.json["callbacks"]?.arrayValue ?? []
            #expect(all.count == 6)
            #expect(all.allSatisfy { ["pending", "delivering"].contains($0["state"]?.stringValue ?? "") && $0["url"]?.stringValue == dead })
            #expect(try await f.call(.get, "/v1/callbacks?host=elsewhere.example").json["callbacks"]?.arrayValue?.count == 0)

            // Cancelling needs a filter, and only admins may list or cancel.
            #expect(try await f.call(.post, "/v1/callbacks/cancel", json: [:]).status == 422)
            #expect(try await f.call(.get, "/v1/callbacks", as: .ingest).status == 403)
            #expect(try await f.call(.post, "/v1/callbacks/cancel", as: .reviewer, json: ["host": .string(host)]).status == 403)

            let cancelled = try await f.call(.post, "/v1/callbacks/cancel", json: ["host": .string(host.uppercased())])
            #expect(cancelled.status == 200)
            #expect(cancelled.json["cancelled"] == 6)
            let after = try await f.call(.get, "/v1/callbacks?state=cancelled").json["callbacks"]?.arrayValue ?? []
            #expect(after.count == 6)
            #expect(after.allSatisfy { $0["cancelled_by"]?.stringValue == f.actor(.admin) })
            // Nothing is left to send: a second cancel finds none, and none is pending or delivering.
            #expect(try await f.call(.post, "/v1/callbacks/cancel", json: ["host": .string(host)]).json["cancelled"] == 0)
            for state in ["pending", "delivering"] {
                #expect(try await f.call(.get, "/v1/callbacks?state=\(state)").json["callbacks"]?.arrayValue?.count == 0)
            }
        }
    }

    /// Before, callbacks had no breaker: a dead host was tried for every callback as fast as places freed up.
    @Test func aFailingCallbackHostRestsBehindABreakerAndAdminsSeeIt() async throws {
        // A host that answers 500 to everything (an unreachable one would hold each send until its timeout).
        let failing = try await WebhookReceiver(failFirst: 1_000)
        let port = URL(string: failing.url)!.port!
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let items: [JSONValue] = (0..<16).map { i in
                ["task": "t", "input": .string("item \(i)"), "output": [:], "confidence": 0.99, "callback_url": .string(failing.url)]
            }
            #expect(try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)]).status == 200)
            // Five failures in a row open the host's breaker (the webhooks' rule): it rests and admins see it resting.
            var resting: JSONValue?
            for _ in 0..<200 where resting == nil {
                let destinations = try await f.call(.get, "/v1/callbacks?limit=500").json["destinations"]?.arrayValue ?? []
                resting = destinations.first { $0["destination"]?.stringValue == "127.0.0.1:\(port)" && $0["resting"] == true }
                if resting == nil { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(resting != nil, "the dead host's breaker opened")
            #expect((resting?["consecutive_failures"]?.doubleValue ?? 0) >= 5)
            // Sends already claimed when it opened still end; then the host gets nothing while it rests (30 s), where
            // before every callback was sent and retried every 50 ms. "Nothing happens" has no event: watch for 1 s.
            func attempts() async throws -> (total: Double, untried: Int) {
                let callbacks = try await f.call(.get, "/v1/callbacks?limit=500").json["callbacks"]?.arrayValue ?? []
                return (callbacks.reduce(0) { $0 + ($1["attempts"]?.doubleValue ?? 0) }, callbacks.filter { $0["attempts"] == 0 }.count)
            }
            let settled = failing.all.count
            try await Task.sleep(for: .seconds(1))
            let before = try await attempts()
            try await Task.sleep(for: .seconds(1))
            let after = try await attempts()
            #expect(after.total == before.total, "no attempts while the breaker is open (\(before.total) → \(after.total))")
            #expect(after.untried > 0, "callbacks wait for the host to recover instead of being sent")
            #expect(failing.all.count - settled <= 4, "at most the sends in flight when it opened reached the host")
        }
        await failing.stop()
    }
}
