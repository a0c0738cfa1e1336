import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 13, blocking waits: `GET /v1/items/{id}?wait=S` against real `loupe serve` processes on one database.
    @Suite(.serialized) struct BlockingWaitTests {
        /// Two servers on one fresh database, a reviewer key, and one pending item of task `t`.
        struct Pair {
            let db: ServedDatabase
            let other: ServerProcess
            let reviewer: String
            let item: String
            var a: String { db.server.baseURL }
            var b: String { other.baseURL }

            static func start() async throws -> Pair {
                let db = try await ServedDatabase.start()
                let other = try ServerProcess(environment: db.environment)
                guard try await other.waitUntilReady() else { throw HarnessError(message: "second server not ready:\n\(other.log)") }
                let reviewer = try await LoupeBinary.createKey(name: "reviewer", role: "reviewer", environment: db.environment)
                let posted = try await HTTP.request("POST", db.server.baseURL + "/v1/items", key: db.admin,
                                                    json: ["task": "t", "input": "refund 240 EUR?", "output": ["ok": true], "confidence": 0.2])
                guard posted.0 == 201, let id = posted.1["id"]?.stringValue else { throw HarnessError(message: "intake: \(posted)") }
                return Pair(db: db, other: other, reviewer: reviewer, item: id)
            }

            func stop() async {
                _ = await other.terminate()
                _ = await db.server.terminate()
            }
        }

        /// Waits until the server reports `count` waiting requests in /metrics: the moment a waiter is registered.
        static func waiters(_ count: Int, on server: String) async throws -> Bool {
            try await eventually(timeout: 20) {
                let (_, _, body) = try await HTTP.raw("GET", server + "/metrics")
                return String(decoding: body, as: UTF8.self).contains("loupe_waiting_requests \(count)")
            }
        }

        @Test func aWaiterOnOneServerWakesWithinASecondOfADecisionOnTheOther() async throws {
            let p = try await Pair.start()
            let waiter = Task { () -> (Int, [String: String], JSONValue, Date) in
                let (status, headers, body) = try await HTTP.raw("GET", p.a + "/v1/items/\(p.item)?wait=60", key: p.db.admin)
                return (status, headers, (try? JSONParser.parse(Array(body))) ?? .null, Date())
            }
            #expect(try await Self.waiters(1, on: p.a))
            let claimed = try await HTTP.request("POST", p.b + "/v1/review/claim", key: p.reviewer)
            #expect(claimed.1["id"]?.stringValue == p.item)
            let corrected = try await HTTP.request("POST", p.b + "/v1/items/\(p.item)/decision", key: p.reviewer,
                                                   json: ["action": "correct", "output": ["ok": false]])
            let decidedAt = Date()
            #expect(corrected.0 == 200)
            let (status, headers, item, answeredAt) = try await waiter.value
            #expect(status == 200)
            #expect(headers["Loupe-Wait"] == "decided")
            #expect(item["status"] == "corrected" && item["final_output"] == ["ok": false], "the corrected output is what the agent executes")
            let latency = answeredAt.timeIntervalSince(decidedAt)
            print("wait woken \(Int(latency * 1000)) ms after the decision on the other server")
            #expect(latency < 1, "woken within 1 s, took \(latency) s")
            #expect(try await Self.waiters(0, on: p.a), "the waiter is gone once answered")
            await p.stop()
        }

        @Test func aWaitEndsAtItsTimeAndBadWaitsAreRefused() async throws {
            let p = try await Pair.start()
            let started = Date()
            let (status, headers, body) = try await HTTP.raw("GET", p.a + "/v1/items/\(p.item)?wait=2", key: p.db.admin)
            let elapsed = Date().timeIntervalSince(started)
            #expect(status == 200 && headers["Loupe-Wait"] == "timeout")
            #expect((try? JSONParser.parse(Array(body)))?["status"] == "pending")
            #expect(elapsed >= 2 && elapsed < 6, "answered at its time: \(elapsed) s")

            let now = try await HTTP.raw("GET", p.a + "/v1/items/\(p.item)?wait=0", key: p.db.admin)
            #expect(now.0 == 200 && now.1["Loupe-Wait"] == "timeout")
            for bad in ["301", "-1", "soon", "1.5"] {
                let refused = try await HTTP.request("GET", p.a + "/v1/items/\(p.item)?wait=\(bad)", key: p.db.admin)
                #expect(refused.0 == 422 && refused.1["detail"]?.stringValue != nil, "wait=\(bad)")
            }
            let missing = try await HTTP.request("GET", p.a + "/v1/items/\(UUID().uuidString.lowercased())?wait=30", key: p.db.admin)
            #expect(missing.0 == 404, "an unknown item is 404 at once, not after the wait")
            await p.stop()
        }

        /// Waits are answered ahead of the middleware chain (`WaitAhead`, for memory); they keep every check of the chain.
        @Test func aWaitPassesTheSameChecksAsAnyRequest() async throws {
            let p = try await Pair.start()
            let url = p.a + "/v1/items/\(p.item)?wait=30"
            let anonymous = try await HTTP.raw("GET", url)
            #expect(anonymous.0 == 401 && anonymous.1["Content-Type"] == "application/problem+json")
            #expect(anonymous.1["X-Content-Type-Options"] == "nosniff" && anonymous.1["Cache-Control"] == "no-store")
            let (created, key) = try await HTTP.request("POST", p.a + "/v1/keys", key: p.db.admin,
                                                        json: ["name": "other-task", "role": "ingest", "tasks": ["u"]])
            #expect(created == 201)
            let started = Date()
            let outside = try await HTTP.request("GET", url, key: key["key"]?.stringValue)
            #expect(outside.0 == 403 && Date().timeIntervalSince(started) < 10, "another task's key is refused at once: \(outside)")
            let nul = try await HTTP.request("GET", url + "&note=%00", key: p.db.admin)
            #expect(nul.0 == 400 && nul.1["detail"]?.stringValue?.contains("NUL") == true)
            let allowed = try await HTTP.raw("GET", p.a + "/v1/items/\(p.item)?wait=1", key: p.reviewer)
            #expect(allowed.0 == 200 && allowed.1["Loupe-Wait"] == "timeout" && allowed.1["Cache-Control"] == "no-store")
            await p.stop()
        }

        @Test func aRestartDuringAWaitEndsItAndTheRetryGetsTheDecision() async throws {
            let p = try await Pair.start()
            let waiter = Task { try await HTTP.raw("GET", p.a + "/v1/items/\(p.item)?wait=120", key: p.db.admin) }
            #expect(try await Self.waiters(1, on: p.a))
            let stopping = Date()
            #expect(await p.db.server.terminate() == 0)
            #expect(Date().timeIntervalSince(stopping) < 10, "a waiting request does not hold the shutdown back")
            let (status, headers, _) = try await waiter.value
            #expect(status == 503 && headers["Retry-After"] == "1", "the waiter is told to repeat the wait")

            _ = try await HTTP.request("POST", p.b + "/v1/review/claim", key: p.reviewer)
            #expect(try await HTTP.request("POST", p.b + "/v1/items/\(p.item)/decision", key: p.reviewer,
                                           json: ["action": "reject", "reason": "amount over the agent's limit"]).0 == 200)
            let restarted = try ServerProcess(environment: p.db.environment)
            #expect(try await restarted.waitUntilReady())
            let retry = try await HTTP.raw("GET", restarted.baseURL + "/v1/items/\(p.item)?wait=30", key: p.db.admin)
            let item = (try? JSONParser.parse(Array(retry.2))) ?? .null
            #expect(retry.0 == 200 && retry.1["Loupe-Wait"] == "decided")
            #expect(item["status"] == "rejected" && item["decision"]?["reason"] == "amount over the agent's limit",
                    "the rejection's reason reaches the agent")
            _ = await restarted.terminate()
            _ = await p.other.terminate()
        }
    }
}
