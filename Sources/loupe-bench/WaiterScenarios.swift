import Foundation
import Glibc
import LoupeJSON
import Synchronization

/// Blocking waits as agents use them: `waiters` concurrent `GET /v1/items/{id}?wait=300` on one `loupe serve`
/// (a pool of 20 connections) while reviewers decide the items on a second server. Reports the memory each
/// waiter costs, how soon after its decision each waiter is answered, and `/health` latency meanwhile.
struct WaiterScenarios {
    let servers: BenchServers
    let waiters: Int
    static let task = "waits"

    func run(into report: Report, admin: String, loupe: HTTPDriver) async throws {
        OpenFiles.raise(to: waiters * 2 + 1000)
        let environment = ["DATABASE_URL": servers.session.location.psqlURL, "LOUPE_DB_POOL_SIZE": "20"]
        let waiting = try await ChildServer(executable: servers.loupeBinary,
                                            arguments: ["serve", "--port", "0", "--data-dir", servers.dataDirectory + "/waits-a"],
                                            environment: environment, logPath: servers.dataDirectory + "/loupe-waits-a.log")
        let deciding = try await ChildServer(executable: servers.loupeBinary,
                                             arguments: ["serve", "--port", "0", "--data-dir", servers.dataDirectory + "/waits-b"],
                                             environment: environment, logPath: servers.dataDirectory + "/loupe-waits-b.log")
        let a = HTTPDriver(base: "http://127.0.0.1:\(waiting.port)", connections: waiters + 64)
        let b = HTTPDriver(base: "http://127.0.0.1:\(deciding.port)", connections: 16)
        do {
            try await measure(into: report, admin: admin, loupe: loupe, a: a, b: b, waiting: waiting)
        } catch {
            try? await a.shutdown()
            try? await b.shutdown()
            await waiting.stop()
            await deciding.stop()
            throw error
        }
        try await a.shutdown()
        try await b.shutdown()
        await waiting.stop()
        await deciding.stop()
    }

    private func measure(into report: Report, admin: String, loupe: HTTPDriver, a: HTTPDriver, b: HTTPDriver, waiting: ChildServer) async throws {
        let (status, _) = try await loupe.json(.PUT, "/v1/tasks/\(Self.task)", key: admin,
                                               body: ["output_schema": ["type": "object"], "max_leases": 100])
        guard status == 201 || status == 200 else { throw BenchError("could not define task \(Self.task): \(status)") }
        var ids: [String] = []
        while ids.count < waiters {
            let items: [JSONValue] = (0..<min(1000, waiters - ids.count)).map { i in
                ["task": .string(Self.task), "input": ["conversation": .string("refund request \(ids.count + i)")],
                 "output": ["tool": "refund", "arguments": ["amount_eur": 240]], "confidence": 0.5]
            }
            let (_, reply) = try await b.json(.POST, "/v1/items/batch", key: admin, body: ["items": .array(items)])
            ids += reply["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        }
        let reviewer = try await servers.store.keys.create(name: "waits-reviewer", role: .reviewer, now: Date()).key
        for _ in 0..<20 { _ = try await a.send(.GET, "/health", key: nil) }
        let before = waiting.rssMiB

        let answered = Stamps(), decided = Stamps(), all = ids
        let held = Task {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for id in all {
                    group.addTask {
                        let (status, _) = try await a.send(.GET, "/v1/items/\(id)?wait=300", key: admin, timeout: .seconds(320))
                        guard status == 200 else { throw BenchError("a wait answered \(status)") }
                        let now = ContinuousClock.now
                        answered.times.withLock { $0[id] = now }
                    }
                }
                try await group.waitForAll()
            }
        }
        try await untilWaiting(waiters, on: a)
        let perWaiter = (waiting.rssMiB - before) * 1024 / Double(waiters)
        var health: [Double] = []
        for _ in 0..<200 {
            let start = ContinuousClock.now
            _ = try await a.send(.GET, "/health", key: nil)
            health.append((ContinuousClock.now - start).milliseconds)
        }

        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    while true {
                        let (status, item) = try await b.json(.POST, "/v1/review/claim", key: reviewer, body: ["task": .string(Self.task)])
                        guard status == 200, let id = item["id"]?.stringValue else { return }
                        let (code, _) = try await b.json(.POST, "/v1/items/\(id)/decision", key: reviewer, body: ["action": "approve"])
                        guard code == 200 else { throw BenchError("a decision answered \(code)") }
                        let now = ContinuousClock.now
                        decided.times.withLock { $0[id] = now }
                    }
                }
            }
            try await group.waitForAll()
        }
        try await held.value
        let answers = answered.times.withLock { $0 }, decisions = decided.times.withLock { $0 }
        // From the decision's answer on the other server to the waiter's answer (0 when the wake came first).
        let wake = ids.compactMap { id in decisions[id].flatMap { d in answers[id].map { max(0, ($0 - d).milliseconds) } } }.sorted()
        let label = "\(waiters) waiters on one server (pool 20)"
        report.row("\(label): memory per waiter", perWaiter, unit: "KiB", limit: 50, target: "< 50 KiB")
        report.row("\(label): wake p50 after a decision on another server", Self.percentile(wake, 0.5), unit: "ms", limit: nil)
        report.row("\(label): wake p99 after a decision on another server", Self.percentile(wake, 0.99), unit: "ms", limit: 100, target: "< 100 ms")
        report.row("\(label): /health p50 while they wait", Self.percentile(health.sorted(), 0.5), unit: "ms", limit: nil)
        report.row("\(label): /health p99 while they wait", Self.percentile(health.sorted(), 0.99), unit: "ms", limit: nil)
    }

    /// Until the server's gauge says `count` requests are waiting.
    private func untilWaiting(_ count: Int, on a: HTTPDriver) async throws {
        for _ in 0..<1200 {
            let (_, body) = try await a.send(.GET, "/metrics", key: nil)
            if String(buffer: body).contains("loupe_waiting_requests \(count)") { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        throw BenchError("the server never held \(count) waiters")
    }

    static func percentile(_ sorted: [Double], _ p: Double) -> Double {
        sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))]
    }
}

/// When each item's event happened, written by many tasks.
final class Stamps: Sendable {
    let times = Mutex<[String: ContinuousClock.Instant]>([:])
}

extension Duration {
    var milliseconds: Double { Double(components.seconds) * 1000 + Double(components.attoseconds) / 1e15 }
}

/// Thousands of sockets need more descriptors than a default soft limit of 1024; children inherit the raise.
enum OpenFiles {
    static func raise(to wanted: Int) {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return }
        limit.rlim_cur = min(limit.rlim_max, rlim_t(max(wanted, Int(limit.rlim_cur))))
        setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
