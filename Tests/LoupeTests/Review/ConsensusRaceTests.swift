import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 12: 24 reviewers racing on two real `loupe serve` processes over items that need three reviews each: every
    /// item ends with exactly three reviews by three different people, and is decided by consensus.
    @Suite struct ConsensusRaceTests {
        @Test func twentyFourReviewersOnTwoServersGiveEveryItemExactlyItsReviews() async throws {
            let db = try await ServedDatabase.start()
            let other = try ServerProcess(environment: db.environment)
            guard try await other.waitUntilReady() else { throw HarnessError(message: "second server not ready:\n\(other.log)") }
            let servers = [db.server.baseURL, other.baseURL]
            let task = try await HTTP.request("PUT", servers[0] + "/v1/tasks/triple", key: db.admin,
                                              json: ["output_schema": ["type": "object"], "reviews_required": 3, "max_leases": 1])
            #expect(task.0 == 201)
            let items = 40
            let batch = (0..<items).map { i -> JSONValue in ["task": "triple", "input": .string("doc \(i)"), "output": ["n": .int(i)], "confidence": 0.1] }
            #expect(try await HTTP.request("POST", servers[0] + "/v1/items/batch", key: db.admin, json: ["items": .array(batch)]).0 == 200)
            var keys: [String] = []
            for i in 0..<24 {
                let created = try await HTTP.request("POST", servers[0] + "/v1/keys", key: db.admin, json: ["name": .string("reviewer \(i)"), "role": "reviewer"])
                keys.append(created.1["key"]?.stringValue ?? "")
            }

            /// Claims and approves until every item is decided; a reviewer with nothing to claim asks again shortly,
            /// as the UI does, because items come back to the queue after each review.
            @Sendable func decided() async throws -> Int {
                let (_, body) = try await HTTP.request("GET", servers[0] + "/v1/tasks/triple/stats", key: db.admin)
                return body["by_status"]?["approved"]?.doubleValue.map { Int($0) } ?? 0
            }
            let deadline = Date().addingTimeInterval(120)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for (i, key) in keys.enumerated() {
                    group.addTask {
                        let server = servers[i % 2]
                        while Date() < deadline {
                            let (status, claimed) = try await HTTP.request("POST", server + "/v1/review/claim", key: key, json: ["task": "triple"])
                            if status == 200, let id = claimed["id"]?.stringValue {
                                let (code, _) = try await HTTP.request("POST", server + "/v1/items/\(id)/decision", key: key, json: ["action": "approve"])
                                #expect(code == 200)
                                continue
                            }
                            if try await decided() == items { return }
                            try await Task.sleep(for: .milliseconds(50))
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await decided() == items, "every item decided")
            let url = db.environment["DATABASE_URL"] ?? ""
            let counts = try await Psql.run(url: url, "SELECT count(*) || ' ' || count(DISTINCT reviewer) FROM item_reviews GROUP BY item_id")
            let lines = counts.1.split(separator: "\n")
            #expect(lines.count == items && lines.allSatisfy { $0 == "3 3" }, "three reviews by three people on each: \(Set(lines))")
            let by = try await Psql.run(url: url, "SELECT string_agg(DISTINCT decided_by, ',') FROM items WHERE task = 'triple'")
            #expect(by.1.trimmingCharacters(in: .whitespacesAndNewlines) == "consensus")
            _ = await other.terminate()
            _ = await db.server.terminate()
        }
    }
}
