import Foundation
import LoupeJSON
import Testing

/// Issue 13, the event stream: `GET /v1/events` read by curl from a real `loupe serve`.
@Suite struct EventStreamTests {
    func post(_ db: ServedDatabase, task: String = "t", _ input: String, confidence: Double = 0.2) async throws -> String {
        let reply = try await HTTP.request("POST", db.server.baseURL + "/v1/items", key: db.admin,
                                           json: ["task": .string(task), "input": .string(input), "output": [:], "confidence": .double(confidence)])
        #expect(reply.0 == 201, "intake: \(reply)")
        return reply.1["id"]?.stringValue ?? ""
    }

    @Test func lastEventIDReplaysOnlyLaterEventsAndDecisionsArriveLive() async throws {
        let db = try await ServedDatabase.start()
        let url = db.server.baseURL + "/v1/events"
        let items = [try await post(db, "one"), try await post(db, "two"), try await post(db, "three")]
        let all = try await EventStreamClient.read(url, key: db.admin, lastEventID: "0", count: 3)
        try #require(all.count == 3, "three events replayed: \(all.map(\.event))")
        #expect(all.map(\.event) == ["item.queued", "item.queued", "item.queued"])
        #expect(all.map { $0.data["item"]?["id"]?.stringValue ?? "" } == items, "in the order they happened")
        #expect(all.allSatisfy { $0.data["event"] == "item.queued" }, "data is the webhook body")

        let fourth = try await post(db, "four")
        let resumed = try await EventStreamClient.read(url, key: db.admin, lastEventID: all[1].id, count: 2)
        #expect(resumed.map(\.id).first == all[2].id, "resumes right after the given event")
        #expect(resumed.map { $0.data["item"]?["id"]?.stringValue ?? "" } == [items[2], fourth], "and replays nothing earlier")

        // A decision after the stream opened arrives on it.
        let reviewer = try await LoupeBinary.createKey(name: "r", role: "reviewer", environment: db.environment)
        let live = Task { try await EventStreamClient.read(url + "?types=item.decided,item.corrected", key: db.admin,
                                                           lastEventID: resumed.last?.id, count: 2) }
        let claimed = try await HTTP.request("POST", db.server.baseURL + "/v1/review/claim", key: reviewer)
        let id = claimed.1["id"]?.stringValue ?? ""
        #expect(try await HTTP.request("POST", db.server.baseURL + "/v1/items/\(id)/decision", key: reviewer,
                                       json: ["action": "correct", "output": ["fixed": true]]).0 == 200)
        let decided = try await live.value
        #expect(Set(decided.map(\.event)) == ["item.decided", "item.corrected"])
        #expect(decided.allSatisfy { $0.data["item"]?["final_output"] == ["fixed": true] })
        _ = await db.server.terminate()
    }

    /// Found by a full run: a test in another database of the same cluster held a write transaction for 20 s, and
    /// the stream (which read up to the snapshot's xmin, a cluster-wide horizon) held every new event back until
    /// it ended. Another application sharing a `DATABASE_URL` cluster would do the same.
    @Test func anotherDatabasesLongTransactionDoesNotHoldEventsBack() async throws {
        let db = try await ServedDatabase.start()
        let neighbour = try await TestCluster.databaseURL(try await TestCluster.freshDatabase())
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        holder.arguments = [neighbour, "-c", "BEGIN; CREATE TABLE held (x int); SELECT pg_sleep(60); COMMIT;"]
        holder.standardOutput = FileHandle.nullDevice
        try holder.run()
        defer { kill(holder.processIdentifier, SIGKILL); holder.waitUntilExit() }
        try await ConnectionWaitTests.until("the neighbour holds a transaction id") {
            try await Psql.run(url: neighbour, "SELECT count(*) FROM pg_stat_activity WHERE backend_xid IS NOT NULL AND query LIKE '%pg_sleep(60)%'")
                .1.hasPrefix("1")
        }
        let id = try await post(db, "after the neighbour began")
        let seen = try await EventStreamClient.read(db.server.baseURL + "/v1/events", key: db.admin, lastEventID: "0", count: 1, timeout: 10)
        #expect(seen.map { $0.data["item"]?["id"]?.stringValue ?? "" } == [id], "delivered while the neighbour still runs")
        #expect(holder.isRunning, "the neighbour's transaction was still open")
        _ = await db.server.terminate()
    }

    @Test func aScopedKeySeesOnlyItsTasksAndFiltersAreChecked() async throws {
        let db = try await ServedDatabase.start()
        let base = db.server.baseURL
        #expect(try await HTTP.request("PUT", base + "/v1/tasks/other", key: db.admin, json: ["output_schema": ["type": "object"]]).0 == 201)
        let created = try await HTTP.request("POST", base + "/v1/keys", key: db.admin, json: ["name": "agent", "role": "ingest", "tasks": ["t"]])
        let scoped = created.1["key"]?.stringValue ?? ""
        let mine = [try await post(db, "a1")]
        _ = try await post(db, task: "other", "b1")
        _ = try await post(db, task: "other", "b2", confidence: 0.99)
        let last = try await post(db, "a2", confidence: 0.99)

        let seen = try await EventStreamClient.read(base + "/v1/events", key: scoped, lastEventID: "0", count: 2)
        #expect(seen.map { $0.data["item"]?["id"]?.stringValue ?? "" } == mine + [last], "only task t, none of task other")
        #expect(seen.map(\.event) == ["item.queued", "item.decided"])
        let everything = try await EventStreamClient.read(base + "/v1/events", key: db.admin, lastEventID: "0", count: 4)
        #expect(everything.map { $0.data["item"]?["task"]?.stringValue ?? "" } == ["t", "other", "other", "t"])
        let decidedOnly = try await EventStreamClient.read(base + "/v1/events?types=item.decided&task=other", key: db.admin,
                                                           lastEventID: "0", count: 1)
        #expect(decidedOnly.first?.data["item"]?["input"] == "b2")

        let outside = try await HTTP.request("GET", base + "/v1/events?task=other", key: scoped)
        #expect(outside.0 == 403 && outside.1["detail"]?.stringValue?.contains("other") == true)
        for bad in ["types=item.exploded", "task=no%20such", "last_event_id=yesterday"] {
            let refused = try await HTTP.request("GET", base + "/v1/events?\(bad)", key: db.admin)
            #expect(refused.0 == 422 && refused.1["detail"]?.stringValue != nil, "\(bad)")
        }
        let reviewer = try await LoupeBinary.createKey(name: "r", role: "reviewer", environment: db.environment)
        #expect(try await HTTP.request("GET", base + "/v1/events", key: reviewer).0 == 403, "reviewers do not read the stream")
        _ = await db.server.terminate()
    }
}
