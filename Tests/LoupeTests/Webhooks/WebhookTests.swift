import Foundation
import LoupeDomain
import LoupeJSON
import Testing

@Suite struct WebhookTests {
    func register(_ f: LoupeFixture, _ receiver: WebhookReceiver, events: JSONValue) async throws -> (id: String, secret: String) {
        let reply = try await f.call(.post, "/v1/webhooks", json: ["url": .string(receiver.url), "events": events])
        #expect(reply.status == 201)
        return (reply.json["id"]?.stringValue ?? "", reply.json["secret"]?.stringValue ?? "")
    }

    @Test func deliveriesAreSignedAndCarryTheItem() async throws {
        let receiver = try await WebhookReceiver()
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("invoice", ["output_schema": ["type": "object"]])
            let hook = try await register(f, receiver, events: ["item.decided", "item.queued", "item.corrected"])
            #expect(hook.secret.hasPrefix("whsec_"), "a secret is generated when none is given")
            let approved = try await f.submit("invoice", input: "a", output: ["x": 1], confidence: 0.99)
            let got = try await receiver.accepted(1)
            let delivery = got[0]
            #expect(delivery.event == "item.decided")
            #expect(delivery.json["event"] == "item.decided")
            #expect(delivery.json["item"]?["id"]?.stringValue == approved)
            #expect(delivery.json["item"]?["status"] == "approved")

            // Verify as a receiver would: t=UNIX,v1=hex(HMAC-SHA256(secret, "t.body")).
            let parts = Dictionary(uniqueKeysWithValues: delivery.signature.split(separator: ",").map {
                let kv = $0.split(separator: "=", maxSplits: 1)
                return (String(kv[0]), String(kv[1]))
            })
            let t = Int(parts["t"] ?? "") ?? 0
            #expect(parts["v1"] == WebhookSignature.hex(secret: hook.secret, timestamp: t, body: Array(delivery.body.utf8)))
            #expect(parts["v1"] != WebhookSignature.hex(secret: "wrong", timestamp: t, body: Array(delivery.body.utf8)))
            #expect(abs(Double(t) - Date().timeIntervalSince1970) < 60)

            // A human correction: item.decided and item.corrected.
            try await f.submit("invoice", input: "b", output: ["x": 2], confidence: 0.1)
            _ = try await receiver.accepted(1)  // item.queued
            try await f.decideNext("correct", output: ["x": 3])
            let events = Set(try await receiver.accepted(2).map(\.event))
            #expect(events == ["item.decided", "item.corrected"])
        }
        await receiver.stop()
    }

    @Test func aReceiverFailingTwiceGetsTheEventOnTheThirdAttempt() async throws {
        let receiver = try await WebhookReceiver(failFirst: 2)
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("invoice", ["output_schema": ["type": "object"]])
            let hook = try await register(f, receiver, events: ["item.decided"])
            try await f.submit("invoice", input: "a", output: ["x": 1], confidence: 0.99)
            // 60 s: the retries come within a second, but a loaded two-core run has held this process back for 20 s.
            let got = try await receiver.accepted(1, timeout: 60)
            let all = receiver.all
            #expect(all.count == 3)
            #expect(Set(all.map(\.delivery)) == [got[0].delivery], "Loupe-Delivery is stable across retries")
            #expect(try await eventually {
                try await f.call(.get, "/v1/webhooks/\(hook.id)/deliveries").json["deliveries"]?[0]?["state"] == "delivered"
            })
            let deliveries = try await f.call(.get, "/v1/webhooks/\(hook.id)/deliveries").json["deliveries"]?.arrayValue ?? []
            #expect(deliveries.count == 1)
            #expect(deliveries[0]["state"] == "delivered")
            #expect(deliveries[0]["attempts"] == 3)
            #expect(deliveries[0]["attempt_log"]?.arrayValue?.compactMap { $0["status"]?.doubleValue } == [500, 500, 204])

            // Redelivery sends it once more, with the same id.
            let id = deliveries[0]["id"]?.stringValue ?? ""
            #expect(try await f.call(.post, "/v1/deliveries/\(id)/redeliver").status == 202)
            #expect(try await receiver.accepted(1)[0].delivery == id)
        }
        await receiver.stop()
    }

    @Test func aDecisionRolledBackProducesNoEvent() async throws {
        let receiver = try await WebhookReceiver()
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("invoice", ["output_schema": ["type": "object"]])
            let hook = try await register(f, receiver, events: ["item.decided", "item.corrected"])
            let id = try await f.submit("invoice", input: "a", output: ["x": 1], confidence: 0.1)
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            // Make the decision's transaction fail inside PostgreSQL, after the item and outbox rows were written.
            let url = try await TestCluster.databaseURL(f.store.location)
            let install = try await Psql.run(url: url, """
                CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by test'; END $$;
                CREATE TRIGGER refuse BEFORE INSERT ON examples FOR EACH ROW EXECUTE FUNCTION refuse();
                """)
            #expect(install.0 == 0, "\(install.2)")
            let failed = try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "correct", "output": ["x": 2]])
            #expect(failed.status == 500)
            #expect(failed.isProblem)
            #expect(try await f.call(.get, "/v1/items/\(id)", as: .reviewer).json["status"] == "in_review")
            #expect(try await f.call(.get, "/v1/webhooks/\(hook.id)/deliveries").json["deliveries"] == [], "no outbox row survived the rollback")

            _ = try await Psql.run(url: url, "DROP TRIGGER refuse ON examples")
            #expect(try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "correct", "output": ["x": 2]]).status == 200)
            #expect(Set(try await receiver.accepted(2).map(\.event)) == ["item.decided", "item.corrected"])
            #expect(receiver.all.count == 2)
        }
        await receiver.stop()
    }

    @Test func aPerItemCallbackURLHearsItsDecisionSignedWithTheCallbackSecret() async throws {
        let receiver = try await WebhookReceiver()
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("invoice", ["output_schema": ["type": "object"]])
            let secret = try await f.call(.post, "/v1/callback-secret", as: .ingest).json["callback_secret"]?.stringValue ?? ""
            #expect(secret.hasPrefix("whsec_"))
            let auto = try await f.call(.post, "/v1/items", as: .ingest, json: [
                "task": "invoice", "input": "a", "output": [:], "confidence": 0.99, "callback_url": .string(receiver.url)]).json["id"]?.stringValue
            let first = try await receiver.accepted(1)[0]
            #expect(first.event == "item.decided" && first.json["item"]?["id"]?.stringValue == auto)
            let parts = Dictionary(uniqueKeysWithValues: first.signature.split(separator: ",").map {
                let kv = $0.split(separator: "=", maxSplits: 1)
                return (String(kv[0]), String(kv[1]))
            })
            #expect(parts["v1"] == WebhookSignature.hex(secret: secret, timestamp: Int(parts["t"] ?? "") ?? 0, body: Array(first.body.utf8)))

            let pending = try await f.call(.post, "/v1/items", as: .ingest, json: [
                "task": "invoice", "input": "b", "output": [:], "confidence": 0.1, "callback_url": .string(receiver.url)]).json["id"]?.stringValue
            try await f.decideNext("reject", reason: "no")
            let second = try await receiver.accepted(1)[0]
            #expect(second.json["item"]?["id"]?.stringValue == pending)
            #expect(second.json["item"]?["status"] == "rejected")
            #expect(receiver.all.count == 2, "a queued item's callback waits for its decision")
            let bad = try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "invoice", "input": "c", "output": [:],
                                                                               "confidence": 0.5, "callback_url": "javascript:alert(1)"])
            #expect(bad.status == 422 && bad.json["errors"]?[0]?["field"] == "callback_url")
        }
        await receiver.stop()
    }

    @Test func webhookInputIsValidated() async throws {
        try await withLoupe { f in
            #expect(try await f.call(.post, "/v1/webhooks", json: ["url": "ftp://x", "events": ["item.decided"]]).status == 422)
            #expect(try await f.call(.post, "/v1/webhooks", json: ["url": "http://x.example", "events": ["item.lost"]]).status == 422)
            #expect(try await f.call(.post, "/v1/webhooks", json: ["url": "http://x.example", "events": []]).status == 422)
            let short = try await f.call(.post, "/v1/webhooks", json: ["url": "http://x.example/h", "secret": "s3cret", "events": ["item.queued"]])
            #expect(short.status == 422 && short.json["errors"]?[0]?["field"] == "secret", "a 6-byte secret can be guessed")
            let ok = try await f.call(.post, "/v1/webhooks", json: ["url": "http://x.example/h", "secret": "s3cret-s3cret-s3cret-s3cret", "events": ["item.queued"]])
            #expect(ok.json["secret"] == "s3cret-s3cret-s3cret-s3cret")
            let listed = try await f.call(.get, "/v1/webhooks").json["webhooks"]?.arrayValue ?? []
            #expect(listed.count == 1 && listed[0]["secret"] == nil, "the secret is shown once")
            #expect(try await f.call(.delete, "/v1/webhooks/\(ok.json["id"]!.stringValue!)").status == 204)
            #expect(try await f.call(.get, "/v1/webhooks").json["webhooks"] == [])
            #expect(try await f.call(.post, "/v1/webhooks", as: .analyst, json: ["url": "http://x.example", "events": ["item.queued"]]).status == 403)
        }
    }
}
