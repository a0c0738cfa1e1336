import Foundation
import LoupeJSON
import Testing

/// Batch requests beyond LOUPE_MAX_CONCURRENT_BATCHES wait their turn, and beyond LOUPE_BATCH_QUEUE are refused at
/// once: before, every batch in flight was read and parsed at the same time (four of 1,000 items took the server's
/// peak RSS from 66 to 139 MiB), bounded only by the 512-request limit.
@Suite struct BatchGateTests {
    @Test func batchesBeyondTheSlotsWaitTheirTurnAndBeyondTheQueueAreRefused() async throws {
        let served = try await ServedDatabase.start(serverEnvironment: [
            "LOUPE_MAX_CONCURRENT_BATCHES": "1", "LOUPE_BATCH_QUEUE": "1", "LOUPE_REQUEST_DEADLINE_S": "60"])
        let (server, key, url) = (served.server, served.admin, served.environment["DATABASE_URL"]!)
        defer { Task { _ = await server.terminate() } }
        let batch: JSONValue = ["items": .array((0..<20).map { i in
            ["task": "t", "input": .string("document \(i)"), "output": ["n": .int(i)], "confidence": 0.5] })]

        // The first batch takes the one slot and stays in it: its INSERT waits behind another client's lock.
        let locker = try LockHolder(url: url, "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE;")
        defer { if locker.process.isRunning { locker.process.terminate() } }
        try await ConnectionWaitTests.until("psql holds the lock") {
            try await Self.count(url, ConnectionWaitTests.itemsLocked) == 1
        }
        let first = Task { try await HTTP.request("POST", server.baseURL + "/v1/items/batch", key: key, json: batch) }
        try await ConnectionWaitTests.until("the first batch holds the slot") { try await Self.batches(server, "running") == 1 }
        let second = Task { try await HTTP.request("POST", server.baseURL + "/v1/items/batch", key: key, json: batch) }
        try await ConnectionWaitTests.until("the second batch waits") { try await Self.batches(server, "waiting") == 1 }

        // A third finds the queue full: refused at once, with a reason and when to retry.
        let (status, headers, data) = try await HTTP.raw("POST", server.baseURL + "/v1/items/batch", key: key, json: batch)
        let body = String(decoding: data, as: UTF8.self)
        #expect(status == 503, "\(body)")
        #expect(headers["Retry-After"] == "1")
        #expect(headers["Content-Type"] == "application/problem+json")
        #expect(body.contains("batches are being stored"), "\(body)")

        // The lock goes: both batches are stored, one after the other, and the gate is empty again.
        try await locker.finish("COMMIT;")
        #expect(try await first.value.0 == 200)
        #expect(try await second.value.0 == 200)
        #expect(try await Self.count(url, "SELECT count(*) FROM items") == 40)
        #expect(try await Self.batches(server, "running") == 0)
        #expect(try await Self.batches(server, "waiting") == 0)
    }

    /// A batch still waiting for its turn when the request deadline passes gets the deadline's 503 and leaves the queue;
    /// the slot it never took stays free for the next batch (a waiter left behind would hold its place for good).
    @Test func aWaitingBatchThatOutlivesTheDeadlineLeavesTheQueue() async throws {
        let served = try await ServedDatabase.start(serverEnvironment: [
            "LOUPE_MAX_CONCURRENT_BATCHES": "1", "LOUPE_BATCH_QUEUE": "4", "LOUPE_REQUEST_DEADLINE_S": "2"])
        let (server, key, url) = (served.server, served.admin, served.environment["DATABASE_URL"]!)
        defer { Task { _ = await server.terminate() } }
        let batch: JSONValue = ["items": [["task": "t", "input": "document", "output": ["n": 1], "confidence": 0.5]]]
        let locker = try LockHolder(url: url, "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE;")
        defer { if locker.process.isRunning { locker.process.terminate() } }
        try await ConnectionWaitTests.until("psql holds the lock") {
            try await Self.count(url, ConnectionWaitTests.itemsLocked) == 1
        }
        let first = Task { try await HTTP.raw("POST", server.baseURL + "/v1/items/batch", key: key, json: batch) }
        try await ConnectionWaitTests.until("the first batch holds the slot") { try await Self.batches(server, "running") == 1 }
        let second = Task { try await HTTP.raw("POST", server.baseURL + "/v1/items/batch", key: key, json: batch) }
        try await ConnectionWaitTests.until("the second batch waits") { try await Self.batches(server, "waiting") == 1 }

        // The waiting one outlives the 2 s deadline: 503 with a reason, and it has left the queue. (The first answers
        // only once its statement, stuck behind the lock, ends: the deadline cannot stop a statement under way.)
        let (status, headers, data) = try await second.value
        #expect(status == 503, "\(String(decoding: data, as: UTF8.self))")
        #expect(headers["Content-Type"] == "application/problem+json")
        try await ConnectionWaitTests.until("the queue is empty") { try await Self.batches(server, "waiting") == 0 }
        #expect(try await Self.batches(server, "running") == 1)
        try await locker.finish("COMMIT;")
        _ = try await first.value
        try await ConnectionWaitTests.until("the slot is free") { try await Self.batches(server, "running") == 0 }
        #expect(try await HTTP.request("POST", server.baseURL + "/v1/items/batch", key: key, json: batch).0 == 200)
        #expect(try await Self.batches(server, "waiting") == 0)
    }

    /// `loupe_batches{state="…"}` from the server's /metrics.
    static func batches(_ server: ServerProcess, _ state: String) async throws -> Int {
        let (_, _, data) = try await HTTP.raw("GET", server.baseURL + "/metrics")
        let prefix = "loupe_batches{state=\"\(state)\"} "
        guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
              let value = Double(line.dropFirst(prefix.count)) else { return -1 }
        return Int(value)
    }

    static func count(_ url: String, _ sql: String) async throws -> Int {
        Int(try await Psql.run(url: url, sql).1.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }
}
