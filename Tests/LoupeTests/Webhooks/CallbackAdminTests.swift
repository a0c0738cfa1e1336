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
}
