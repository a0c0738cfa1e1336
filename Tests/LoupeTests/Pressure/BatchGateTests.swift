import Foundation
import LoupeJSON
import Testing

/// Batch requests beyond LOUPE_MAX_CONCURRENT_BATCHES wait their turn, and beyond LOUPE_BATCH_QUEUE are refused at
/// once: before, every batch in flight was read and parsed at the same time (four of 1,000 items took the server's
/// peak RSS from 66 to 139 MiB), bounded only by the 512-request limit.
@Suite struct BatchGateTests {
    @Test func batchesBeyondTheSlotsWaitTheirTurnAndBeyondTheQueueAreRefused() async throws {
        let batch: JSONValue = ["items": .array((0..<20).map { i in
            ["task": "t", "input": .string("document \(i)"), "output": ["n": .int(i)], "confidence": 0.5] })]
        let jam = try await Jam.start(queue: 1, deadlineSeconds: 60, batch: batch)
        defer { jam.stop() }

        // A third finds the queue full: refused at once, with a reason and when to retry.
        let (status, headers, data) = try await jam.post(batch)
        let body = String(decoding: data, as: UTF8.self)
        #expect(status == 503, "\(body)")
        #expect(headers["Retry-After"] == "1")
        #expect(headers["Content-Type"] == "application/problem+json")
        #expect(body.contains("batches are being stored"), "\(body)")

        // The lock goes: both batches are stored, one after the other, and the gate is empty again.
        try await jam.locker.finish("COMMIT;")
        #expect(try await jam.first.value.0 == 200)
        #expect(try await jam.second.value.0 == 200)
        #expect(try await Psql.integer(url: jam.url, "SELECT count(*) FROM items") == 40)
        #expect(try await Self.batches(jam.server, "running") == 0)
        #expect(try await Self.batches(jam.server, "waiting") == 0)
    }

    /// A batch still waiting for its turn when the request deadline passes gets the deadline's 503 and leaves the queue;
    /// the slot it never took stays free for the next batch (a waiter left behind would hold its place for good).
    @Test func aWaitingBatchThatOutlivesTheDeadlineLeavesTheQueue() async throws {
        let batch: JSONValue = ["items": [["task": "t", "input": "document", "output": ["n": 1], "confidence": 0.5]]]
        let jam = try await Jam.start(queue: 4, deadlineSeconds: 2, batch: batch)
        defer { jam.stop() }

        // The waiting one outlives the 2 s deadline: 503 with a reason, and it has left the queue. (The first answers
        // only once its statement, stuck behind the lock, ends: the deadline cannot stop a statement under way.)
        let (status, headers, data) = try await jam.second.value
        #expect(status == 503, "\(String(decoding: data, as: UTF8.self))")
        #expect(headers["Content-Type"] == "application/problem+json")
        try await ConnectionWaitTests.until("the queue is empty") { try await Self.batches(jam.server, "waiting") == 0 }
        #expect(try await Self.batches(jam.server, "running") == 1)
        try await jam.locker.finish("COMMIT;")
        _ = try await jam.first.value
        try await ConnectionWaitTests.until("the slot is free") { try await Self.batches(jam.server, "running") == 0 }
        #expect(try await jam.post(batch).0 == 200)
        #expect(try await Self.batches(jam.server, "waiting") == 0)
    }

    /// A server with one batch slot, jammed: a psql session locks `items`, the first batch holds the slot with its
    /// INSERT waiting behind that lock, and the second waits for its turn (each seen in /metrics).
    struct Jam {
        typealias Reply = (Int, [String: String], Data)
        let server: ServerProcess
        let key: String
        let url: String
        let locker: LockHolder
        let first: Task<Reply, any Error>
        let second: Task<Reply, any Error>

        static func start(queue: Int, deadlineSeconds: Int, batch: JSONValue) async throws -> Jam {
            let served = try await ServedDatabase.start(serverEnvironment: [
                "LOUPE_MAX_CONCURRENT_BATCHES": "1", "LOUPE_BATCH_QUEUE": String(queue), "LOUPE_REQUEST_DEADLINE_S": String(deadlineSeconds)])
            let (server, key, url) = (served.server, served.admin, served.environment["DATABASE_URL"]!)
            let locker: LockHolder
            do { locker = try LockHolder(url: url, "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE;") } catch {
                _ = await server.terminate()
                throw error
            }
            let post = { @Sendable in try await HTTP.raw("POST", server.baseURL + "/v1/items/batch", key: key, json: batch) }
            var first: Task<Reply, any Error>?, second: Task<Reply, any Error>?
            do {
                try await ConnectionWaitTests.until("psql holds the lock") {
                    try await Psql.integer(url: url, ConnectionWaitTests.itemsLocked) == 1
                }
                first = Task { try await post() }
                try await ConnectionWaitTests.until("the first batch holds the slot") { try await BatchGateTests.batches(server, "running") == 1 }
                second = Task { try await post() }
                try await ConnectionWaitTests.until("the second batch waits") { try await BatchGateTests.batches(server, "waiting") == 1 }
            } catch {
                // The server and the psql session end with the test that could not set them up.
                if locker.process.isRunning { locker.process.terminate() }
                _ = await server.terminate()
                throw error
            }
            return Jam(server: server, key: key, url: url, locker: locker, first: first!, second: second!)
        }

        func post(_ batch: JSONValue) async throws -> Reply {
            try await HTTP.raw("POST", server.baseURL + "/v1/items/batch", key: key, json: batch)
        }

        func stop() {
            if locker.process.isRunning { locker.process.terminate() }
            Task { [server] in _ = await server.terminate() }
        }
    }

    /// `loupe_batches{state="…"}` from the server's /metrics.
    static func batches(_ server: ServerProcess, _ state: String) async throws -> Int {
        let (_, _, data) = try await HTTP.raw("GET", server.baseURL + "/metrics")
        let prefix = "loupe_batches{state=\"\(state)\"} "
        guard let line = String(decoding: data, as: UTF8.self).split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
              let value = Double(line.dropFirst(prefix.count)) else { return -1 }
        return Int(value)
    }
}
