import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Pentest finding 8: keys scoped to tasks, per-key callback secrets, reviewer identities hidden.
@Suite struct IsolationTests {
    @Test func aScopedKeyIsRefusedOutsideItsTasks() async throws {
        try await withLoupe { f in
            try await f.defineTask("mine", ["output_schema": ["type": "object"]])
            try await f.defineTask("theirs", ["output_schema": ["type": "object"]])
            let created = try await f.call(.post, "/v1/keys", json: ["name": "acme", "role": "ingest", "tasks": ["mine"]])
            #expect(created.status == 201 && created.json["callback_secret"]?.stringValue?.hasPrefix("whsec_") == true)
            let scoped = created.json["key"]?.stringValue ?? ""
            let theirs = try await f.submit("theirs", input: "t", output: [:], confidence: 0.5)
            let mine = try await f.call(.post, "/v1/items", key: scoped, json: ["task": "mine", "input": "m", "output": [:], "confidence": 0.5])
            #expect(mine.status == 201)
            #expect(try await f.call(.post, "/v1/items", key: scoped, json: ["task": "theirs", "input": "x", "output": [:], "confidence": 0.5]).status == 403)
            #expect(try await f.call(.get, "/v1/items/\(theirs)", key: scoped).status == 403)
            #expect(try await f.call(.get, "/v1/items/\(theirs)/history", key: scoped).status == 403)
            #expect(try await f.call(.get, "/v1/items?task=theirs", key: scoped).status == 403)
            #expect(try await f.call(.get, "/v1/tasks/theirs", key: scoped).status == 403)
            #expect(try await f.call(.get, "/v1/tasks/theirs/examples?k=1", key: scoped).status == 403)
            let listed = try await f.call(.get, "/v1/items", key: scoped).json["items"]?.arrayValue ?? []
            #expect(listed.compactMap { $0["task"]?.stringValue } == ["mine"])
            #expect(try await f.call(.get, "/v1/tasks", key: scoped).json["tasks"]?.arrayValue?.count == 1)
        }
    }

    @Test func aScopedReviewerKeyClaimsOnlyItsTasks() async throws {
        try await withLoupe { f in
            try await f.defineTask("mine", ["output_schema": ["type": "object"]])
            try await f.defineTask("theirs", ["output_schema": ["type": "object"]])
            _ = try await f.submit("theirs", input: "t", output: [:], confidence: 0.5)
            let mine = try await f.submit("mine", input: "m", output: [:], confidence: 0.5)
            let key = try await f.call(.post, "/v1/keys", json: ["name": "r", "role": "reviewer", "tasks": ["mine"]]).json["key"]?.stringValue
            #expect(try await f.call(.post, "/v1/review/claim", key: key, json: ["task": "theirs"]).status == 403)
            #expect(try await f.call(.post, "/v1/review/claim", key: key).json["id"]?.stringValue == mine, "the older item of another task is skipped")
            #expect(try await f.call(.post, "/v1/review/claim", key: key).status == 204)
        }
    }

    @Test func upstreamSystemsDoNotLearnWhoReviewed() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let id = try await f.submit("t", input: "x", output: [:], confidence: 0.5)
            try await f.decideNext("reject")
            #expect(try await f.call(.get, "/v1/items/\(id)", as: .ingest).json["decision"]?["by"] == "reviewer")
            #expect(try await f.call(.get, "/v1/items/\(id)", as: .analyst).json["decision"]?["by"] == .string(f.actor(.reviewer)))
            let history = try await f.call(.get, "/v1/items/\(id)/history", as: .ingest).json["events"]?.arrayValue ?? []
            #expect(!history.contains { $0["actor"] == .string(f.actor(.reviewer)) })
            #expect(history.first?["actor"] == .string(f.actor(.ingest)), "the caller still sees itself")
        }
    }

    @Test func eachKeySignsItsOwnCallbacks() async throws {
        let receiver = try await WebhookReceiver()
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let a = try await f.call(.post, "/v1/keys", json: ["name": "a", "role": "ingest"]).json
            let b = try await f.call(.post, "/v1/keys", json: ["name": "b", "role": "ingest"]).json
            #expect(a["callback_secret"] != b["callback_secret"])
            _ = try await f.call(.post, "/v1/items", key: b["key"]?.stringValue, json: [
                "task": "t", "input": "b", "output": [:], "confidence": 0.99, "callback_url": .string(receiver.url)])
            let got = try await receiver.accepted(1)[0]
            let t = Int(got.signature.split(separator: ",")[0].dropFirst(2)) ?? 0
            let v1 = String(got.signature.split(separator: ",")[1].dropFirst(3))
            #expect(v1 == WebhookSignature.hex(secret: b["callback_secret"]?.stringValue ?? "", timestamp: t, body: Array(got.body.utf8)))
            #expect(v1 != WebhookSignature.hex(secret: a["callback_secret"]?.stringValue ?? "", timestamp: t, body: Array(got.body.utf8)),
                    "key a cannot forge b's callbacks")
            #expect(got.json["item"]?["decision"]?["by"] == "auto")
        }
        await receiver.stop()
    }
}
