import Foundation
import LoupeAPI
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 11, per-key rate limits and load shedding.
@Suite struct RateLimitTests {
    @Test func aKeyOverItsRateGets429WithRetryAfterAndRateLimitHeaders() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let created = try await f.call(.post, "/v1/keys", json: ["name": "slow", "role": "ingest", "rate_limit": 2])
            #expect(created.json["rate_limit"] == 2)
            let key = created.json["key"]?.stringValue
            let item: JSONValue = ["task": "t", "input": "x", "output": [:], "confidence": 0.5]
            #expect(try await f.call(.post, "/v1/items", key: key, json: item).status == 201)
            #expect(try await f.call(.post, "/v1/items", key: key, json: item).status == 201)
            let limited = try await f.call(.post, "/v1/items", key: key, json: item)
            #expect(limited.status == 429 && limited.isProblem)
            #expect(limited.headers[.retryAfter] != nil)
            #expect(limited.headers[.init("RateLimit-Limit")!] == "2")
            #expect(limited.headers[.init("RateLimit-Remaining")!] == "0")
            #expect(limited.headers[.init("RateLimit-Reset")!] != nil)
            #expect(try await f.call(.post, "/v1/items", as: .ingest, json: item).status == 201, "other keys are not limited")
        }
    }

    @Test func aBatchCountsItsItems() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let key = try await f.call(.post, "/v1/keys", json: ["name": "b", "role": "ingest", "rate_limit": 5]).json["key"]?.stringValue
            let item: JSONValue = ["task": "t", "input": "x", "output": [:], "confidence": 0.5]
            let batch = try await f.call(.post, "/v1/items/batch", key: key, json: ["items": .array(Array(repeating: item, count: 20))])
            #expect(batch.status == 429, "20 items at once exceed 5 per second")
        }
    }

    @Test func aServerDefaultAppliesToKeysWithoutTheirOwn() async throws {
        try await withLoupe(configure: { $0.security.defaultRateLimit = 1 }) { (f: LoupeFixture) async throws in
            #expect(try await f.call(.get, "/v1/tasks", as: .ingest).status == 200)
            #expect(try await f.call(.get, "/v1/tasks", as: .ingest).status == 429)
        }
    }

    @Test func sheddingRefusesIntakeFirstAndKeepsRoomForReviewers() {
        let gate = RequestGate(limit: 4, intakeShare: 0.5)
        #expect(gate.enter(intake: true) && gate.enter(intake: true))
        #expect(!gate.enter(intake: true), "intake may hold half of the capacity")
        #expect(gate.enter(intake: false) && gate.enter(intake: false), "reviewers and reads keep the rest")
        #expect(!gate.enter(intake: false))
        gate.leave()
        #expect(gate.enter(intake: false))
    }
}
