import Foundation
import LoupeJSON
import Synchronization
import Testing

extension ProcessHeavy {
    /// Issue 16, many instances: three `loupe serve` behind a real nginx, round-robin, with 24 reviewers and intake
    /// at once. Every item is claimed once and decided once, every webhook delivered once, every deadline fired once.
    @Suite(.serialized) struct NginxThreeInstanceTests {
        static let reviewed = 240
        static let expiring = 30
        static let reviewers = 24
        static let intakeWorkers = 4

        @Test func threeServersBehindNginxActOnEveryItemExactlyOnce() async throws {
            try #require(FileManager.default.isExecutableFile(atPath: Nginx.binary), "nginx is missing: .ci/install-deps installs nginx-light")
            let url = try await TestCluster.databaseURL(try await TestCluster.freshDatabase())
            let env = ["DATABASE_URL": url, "LOUPE_DEADLINE_INTERVAL_MS": "200", "LOUPE_WEBHOOK_RETRY_BASE_MS": "100"]
            let servers = try (0..<3).map { _ in try ServerProcess(environment: env) }
            defer { for s in servers { s.process.terminate() } }
            for server in servers { #expect(try await server.waitUntilReady(), "server not ready:\n\(server.log)") }
            let proxy = try Nginx(upstreams: servers.map(\.port))
            defer { proxy.stop() }
            #expect(try await proxy.waitUntilReady(), "nginx did not start")
            let receiver = try await WebhookReceiver()
            defer { Task { await receiver.stop() } }
            let base = proxy.baseURL

            let admin = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: ["DATABASE_URL": url])
            #expect(try await HTTP.request("PUT", base + "/v1/tasks/t", key: admin, json: ["output_schema": ["type": "object"]]).0 == 201)
            #expect(try await HTTP.request("PUT", base + "/v1/tasks/agent", key: admin, json: [
                "output_schema": ["type": "object"], "deadline_seconds": 1, "on_deadline": "reject"]).0 == 201)
            #expect(try await HTTP.request("POST", base + "/v1/webhooks", key: admin,
                                           json: ["url": .string(receiver.url), "events": ["item.decided"]]).0 == 201)
            var keys: [String] = []
            for n in 0..<Self.reviewers {
                keys.append(try await HTTP.request("POST", base + "/v1/keys", key: admin, json: ["name": .string("r\(n)"), "role": "reviewer"])
                    .1["key"]?.stringValue ?? "")
            }

            let tally = Tally()
            let reviewerKeys = keys
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<Self.intakeWorkers {
                    group.addTask {
                        defer { tally.intakeWorkersDone.withLock { $0 += 1 } }
                        for n in stride(from: worker, to: Self.reviewed + Self.expiring, by: Self.intakeWorkers) {
                            let task = n < Self.reviewed ? "t" : "agent"
                            let reply = try await HTTP.request("POST", base + "/v1/items", key: admin, json: [
                                "task": .string(task), "external_id": .string("e\(n)"), "input": .int(n), "output": [:], "confidence": 0.1])
                            #expect(reply.0 == 201, "intake: \(reply)")
                            if let id = reply.1["id"]?.stringValue { tally.intake.withLock { $0[id] = task } }
                        }
                    }
                }
                for key in reviewerKeys {
                    group.addTask {
                        while true {
                            let finished = tally.intakeWorkersDone.withLock { $0 } == Self.intakeWorkers
                            let (status, item) = try await HTTP.request("POST", base + "/v1/review/claim", key: key, json: ["task": "t"])
                            if status == 204 {
                                if finished { return }
                                try await Task.sleep(for: .milliseconds(20))  // a reviewer looking at an empty queue again
                                continue
                            }
                            guard status == 200, let id = item["id"]?.stringValue else { Issue.record("claim answered \(status): \(item)"); return }
                            tally.claims.withLock { $0.append(id) }
                            let decided = try await HTTP.request("POST", base + "/v1/items/\(id)/decision", key: key, json: ["action": "approve"])
                            #expect(decided.0 == 200, "decision: \(decided)")
                        }
                    }
                }
                try await group.waitForAll()
            }
            let intake = tally.intake.withLock { $0 }
            let claims = tally.claims.withLock { $0 }
            #expect(intake.count == Self.reviewed + Self.expiring)
            #expect(claims.count == Self.reviewed && Set(claims) == Set(intake.filter { $0.value == "t" }.keys), "every item claimed once")

            // Deadlines: each agent item rejected by the deadline (blocking waits, answered on whichever server).
            for (id, task) in intake where task == "agent" {
                let item = try await HTTP.request("GET", base + "/v1/items/\(id)?wait=30", key: admin).1
                #expect(item["status"] == "rejected" && item["decision"]?["by"] == "deadline", "\(item)")
            }
            // Webhooks: one delivery per decided item, none twice.
            let delivered = try await receiver.accepted(Self.reviewed + Self.expiring, timeout: 60)
            let itemIDs = delivered.compactMap { $0.json["item"]?["id"]?.stringValue }
            #expect(Set(itemIDs) == Set(intake.keys), "every decision delivered")
            #expect(Set(delivered.map(\.delivery)).count == delivered.count)
            #expect(receiver.all.count == Self.reviewed + Self.expiring, "and nothing delivered twice")
            // The history agrees: one claim per reviewed item, one decision per item.
            let twice = try await Psql.run(url: url, """
                SELECT count(*) FROM (SELECT item_id FROM item_events WHERE event IN ('claimed', 'decided')
                                      GROUP BY item_id, event HAVING count(*) > 1) AS repeated
                """)
            #expect(twice.1.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "\(twice)")
            let answered = proxy.answeredBy
            #expect(answered.count == 3 && answered.values.allSatisfy { $0 > 100 }, "round-robin reached every server: \(answered)")
        }

        final class Tally: Sendable {
            let intake = Mutex<[String: String]>([:])
            let claims = Mutex<[String]>([])
            let intakeWorkersDone = Mutex(0)
        }
    }
}
