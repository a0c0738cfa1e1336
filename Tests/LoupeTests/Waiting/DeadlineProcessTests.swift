import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 13: two real `loupe serve` processes run the deadline service on one database; each expired item
    /// is decided or escalated exactly once.
    @Suite struct DeadlineProcessTests {
        @Test func twoServersActOnEachExpiredItemExactlyOnce() async throws {
            let fast = ["LOUPE_DEADLINE_INTERVAL_MS": "20"]
            let db = try await ServedDatabase.start(serverEnvironment: fast)
            let other = try ServerProcess(environment: db.environment.merging(fast) { $1 })
            #expect(try await other.waitUntilReady())
            let items: [JSONValue] = (0..<400).map { i in
                ["task": "t", "input": .int(i), "output": [:], "confidence": 0.1, "deadline_seconds": 1,
                 "on_deadline": i % 4 == 0 ? "escalate" : "reject"]
            }
            let batch = try await HTTP.request("POST", db.server.baseURL + "/v1/items/batch", key: db.admin, json: ["items": .array(items)])
            #expect(batch.1["results"]?.arrayValue?.filter { $0["status"] == "pending" }.count == 400)
            let url = db.environment["DATABASE_URL"]!
            #expect(try await eventually(timeout: 30) {
                try await Psql.run(url: url, "SELECT count(*) FROM items WHERE status = 'rejected' OR escalated_at IS NOT NULL").1
                    .trimmingCharacters(in: .whitespacesAndNewlines) == "400"
            })
            let counts = try await Psql.run(url: url, """
                SELECT (SELECT count(*) FROM item_events WHERE actor = 'deadline' AND event = 'decided'),
                       (SELECT count(DISTINCT item_id) FROM item_events WHERE actor = 'deadline' AND event = 'decided'),
                       (SELECT count(*) FROM item_events WHERE actor = 'deadline' AND event = 'escalated'),
                       (SELECT count(DISTINCT item_id) FROM item_events WHERE actor = 'deadline' AND event = 'escalated'),
                       (SELECT count(*) FROM events WHERE actor = 'deadline' AND event = 'item.decided'),
                       (SELECT count(*) FROM events WHERE actor = 'deadline' AND event = 'item.escalated')
                """).1.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(counts == "300|300|100|100|300|100", "one decision or escalation per item, and one event each")
            _ = await other.terminate()
            _ = await db.server.terminate()
        }
    }
}
