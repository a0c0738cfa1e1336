import Foundation
import LoupeJSON
import Synchronization
import Testing

extension ProcessHeavy {
    /// Two `loupe serve` processes on one database behave as one queue.
    @Suite(.serialized) struct TwoInstanceReviewTests {
        @Test func twentyFourReviewersOnTwoServersDrainThreeHundredItemsOnceEach() async throws {
            let location = try await TestCluster.freshDatabase()
            let url = try await TestCluster.databaseURL(location)
            let env = ["DATABASE_URL": url]
            let servers = [try ServerProcess(environment: env), try ServerProcess(environment: env)]
            defer { for s in servers { s.process.terminate() } }
            for server in servers { #expect(try await server.waitUntilReady(), "server not ready:\n\(server.log)") }

            let admin = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: env)
            let reviewer = try await LoupeBinary.createKey(name: "crowd", role: "reviewer", environment: env)
            let base = servers[0].baseURL
            #expect(try await HTTP.request("PUT", base + "/v1/tasks/t", key: admin, json: ["output_schema": ["type": "object"]]).0 == 201)
            let items: [JSONValue] = (0..<300).map { ["task": "t", "input": .int($0), "output": [:], "confidence": 0.1] }
            let batch = try await HTTP.request("POST", base + "/v1/items/batch", key: admin, json: ["items": .array(items)])
            #expect(batch.1["results"]?.arrayValue?.filter { $0["status"] == "pending" }.count == 300)

            // 24 reviewers sharing one key (parallel workers), alternating between the two servers.
            let tally = Tally()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for worker in 0..<24 {
                    group.addTask {
                        let server = servers[worker % 2].baseURL
                        while true {
                            let (status, item) = try await HTTP.request("POST", server + "/v1/review/claim", key: reviewer)
                            if status == 204 { return }
                            guard status == 200, let id = item["id"]?.stringValue else {
                                Issue.record("claim answered \(status)")
                                return
                            }
                            tally.claims.withLock { $0.append(id) }
                            let decided = try await HTTP.request("POST", server + "/v1/items/\(id)/decision", key: reviewer, json: ["action": "approve"])
                            tally.decisions.withLock { $0[id, default: 0] += decided.0 == 200 ? 1 : 0 }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let claimed = tally.claims.withLock { $0 }
            #expect(claimed.count == 300, "every item claimed once")
            #expect(Set(claimed).count == 300, "no item handed out twice")
            #expect(tally.decisions.withLock { $0.values.allSatisfy { $0 == 1 } && $0.count == 300 }, "every item decided once")
            for server in servers {
                #expect(try await HTTP.request("POST", server.baseURL + "/v1/review/claim", key: reviewer).0 == 204)
            }
            let approved = try await HTTP.request("GET", base + "/v1/items?status=approved&limit=500", key: admin)
            #expect(approved.1["items"]?.arrayValue?.count == 300)
            for server in servers { #expect(await server.terminate() == 0) }
        }
    }

    /// What the concurrent reviewers saw.
    final class Tally: Sendable {
        let claims = Mutex<[String]>([])
        let decisions = Mutex<[String: Int]>([:])
    }
}
