import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 14, drift alerts with two real `loupe serve` processes checking the same task every 100 ms: a burst of
    /// audit corrections raises `task.drift` exactly once, as a signed webhook and on the event stream.
    @Suite struct DriftTwoServerTests {
        /// This server's completed drift checks, from /metrics.
        static func checks(_ server: String) async throws -> Int {
            let (_, _, body) = try await HTTP.raw("GET", server + "/metrics")
            let line = String(decoding: body, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("loupe_drift_checks_total ") }
            return line.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        }

        @Test func aBurstOfAuditCorrectionsRaisesTaskDriftExactlyOnce() async throws {
            let fast = ["LOUPE_DRIFT_INTERVAL_MS": "100"]
            let db = try await ServedDatabase.start(serverEnvironment: fast)
            let other = try ServerProcess(environment: db.environment.merging(fast) { $1 })
            let receiver = try await WebhookReceiver()
            defer { Task { await receiver.stop() } }
            guard try await other.waitUntilReady() else { throw HarnessError(message: "second server not ready:\n\(other.log)") }
            let servers = [db.server.baseURL, other.baseURL]
            let hook = try await HTTP.request("POST", servers[0] + "/v1/webhooks", key: db.admin,
                                              json: ["url": .string(receiver.url), "events": ["task.drift"]])
            #expect(hook.0 == 201, "task.drift is an event webhooks may subscribe to: \(hook.1)")
            let task = try await HTTP.request("PUT", servers[0] + "/v1/tasks/inv", key: db.admin,
                                              json: ["output_schema": ["type": "object"], "audit_rate": 1, "threshold": 0.9,
                                                     "drift_alert": ["target_error": 0.1, "window_days": 7]])
            #expect(task.0 == 201)
            let reviewer = try await LoupeBinary.createKey(name: "reviewer", role: "reviewer", environment: db.environment)

            for i in 0..<12 {
                let posted = try await HTTP.request("POST", servers[i % 2] + "/v1/items", key: db.admin,
                                                    json: ["task": "inv", "input": .string("invoice \(i)"), "output": ["total": 10], "confidence": 0.97])
                #expect(posted.0 == 201 && posted.1["status"] == "approved")
            }
            // The burst: every audit finds the total wrong, decided half on each server.
            for i in 0..<12 {
                let claimed = try await HTTP.request("POST", servers[i % 2] + "/v1/review/claim", key: reviewer, json: ["task": "inv"])
                let id = claimed.1["id"]?.stringValue ?? ""
                let decided = try await HTTP.request("POST", servers[i % 2] + "/v1/items/\(id)/decision", key: reviewer,
                                                     json: ["action": "correct", "output": ["total": 12]])
                #expect(decided.0 == 200, "audit \(i): \(decided.1)")
            }

            let delivered = try await receiver.accepted(1)
            #expect(delivered[0].event == "task.drift")
            let body = delivered[0].json
            // Raised at the first check whose lower bound was above 0.1: a few audits in, all of them wrong.
            let n = body["drift"]?["n"]?.doubleValue.map { Int($0) } ?? 0
            #expect(body["task"] == "inv" && body["drift"]?["drifting"] == true && body["drift"]?["error"] == 1 && (1...12).contains(n), "\(body)")
            #expect(body["drift"]?["drift_alert"] == ["target_error": 0.1, "window_days": 7])

            // Both servers go on checking the same crossing; neither raises it again.
            let after = [try await Self.checks(servers[0]), try await Self.checks(servers[1])]
            let kept = try await eventually(timeout: 20) {
                let first = try await Self.checks(servers[0]), second = try await Self.checks(servers[1])
                return first >= after[0] + 5 && second >= after[1] + 5
            }
            #expect(kept, "both servers kept checking")
            #expect(receiver.all.count == 1, "one delivery, not one per server or per check")
            let logged = try await Psql.run(url: db.environment["DATABASE_URL"] ?? "", "SELECT count(*) FROM events WHERE event = 'task.drift'")
            #expect(logged.1.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
            let streamed = try await EventStreamClient.read(servers[1] + "/v1/events?types=task.drift", key: db.admin, lastEventID: "0", count: 1)
            #expect(streamed.first?.event == "task.drift" && streamed.first?.data["task"] == "inv" && streamed.first?.data["drift"]?["n"]?.doubleValue == Double(n))
            let banner = try await HTTP.request("GET", servers[1] + "/v1/tasks/inv/drift", key: db.admin)
            #expect(banner.1["drifting"] == true)
            _ = await other.terminate()
            _ = await db.server.terminate()
        }
    }
}
