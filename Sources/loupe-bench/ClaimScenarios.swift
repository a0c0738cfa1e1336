import Foundation
import LoupeDomain
import LoupeJSON
import LoupeStore

/// Claim latency with a deep queue, and claim + decide throughput with many reviewers.
struct ClaimScenarios {
    let servers: BenchServers
    let setup: BenchSetup
    let pending: Int
    let reviewers: Int
    let seconds: Double

    func run(into report: Report) async throws {
        try await Self.seed(servers.store, task: "queue", count: pending + 2000 + Int(seconds * 2000))
        let loupe = setup.loupe, key = setup.admin
        // One key plays every reviewer: the task lets it hold a lease per concurrent reviewer (the default cap of 3
        // answered 204 from the fourth claim on, and the scenario measured nothing).
        let (defined, _) = try await loupe.json(.PUT, "/v1/tasks/queue", key: key, body: [
            "output_schema": ["type": "object", "required": ["vendor", "total"],
                              "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]], "max_leases": 100])
        guard defined == 200 else { throw BenchError("could not raise the queue task's lease cap: \(defined)") }
        let clock = ContinuousClock()
        var latencies: [Double] = []
        for _ in 0..<2000 {
            let t0 = clock.now
            let (status, item) = try await loupe.json(.POST, "/v1/review/claim", key: key)
            let d = t0.duration(to: clock.now)
            guard status == 200, let id = item["id"]?.stringValue else { break }
            latencies.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15)
            // Decided at once (not timed), so the key never reaches its lease cap.
            _ = try await loupe.send(.POST, "/v1/items/\(id)/decision", key: key, body: JSONWriter.bytes(["action": "approve"]))
        }
        let result = LoadResult(operations: latencies.count, seconds: 1, latencies: latencies.sorted())
        report.row("claim p50 latency, ≥ \(pending) pending", result.percentile(0.5), unit: "ms", limit: nil)
        report.row("claim p99 latency, ≥ \(pending) pending", result.percentile(0.99), unit: "ms", limit: 20, target: "< 20 ms")

        let throughput = try await runLoad(concurrency: reviewers, seconds: seconds) {
            let (status, item) = try await loupe.json(.POST, "/v1/review/claim", key: key)
            guard status == 200, let id = item["id"]?.stringValue else { return 0 }
            let (decided, _) = try await loupe.send(.POST, "/v1/items/\(id)/decision", key: key,
                                                     body: JSONWriter.bytes(["action": "approve"]))
            return decided == 200 ? 1 : 0
        }
        report.row("claim + decide, \(reviewers) reviewers", throughput.rate, unit: "items/s", limit: nil)
        report.row("claim + decide p99 (both calls)", throughput.percentile(0.99), unit: "ms", limit: nil)
    }

    /// Fills a task's queue through the repository (intake's own statement), 1000 rows at a time.
    /// The claim benchmark stops after 2000 claims, so the queue stays that deep while measured.
    static func seed(_ store: PostgresStore, task name: String, count: Int) async throws {
        guard let definition = try await store.tasks.get(name) else { return }
        let task = CompiledTask(definition)
        var remaining = count
        while remaining > 0 {
            let now = Date()
            let batch = (0..<min(1000, remaining)).map { i -> RoutedItem in
                let submission = try! ItemSubmission.parse(["task": .string(name), "input": .int(i), "output": ["vendor": "V", "total": 1],
                                                            "confidence": 0.1], destinations: DestinationPolicy())
                let id = UUIDv7.make(at: now)
                return RoutedItem(id: id, submission: submission, routing: Routing.route(submission, id: id, task: task))
            }
            _ = try await store.items.insert(batch, actor: "bench:seed", now: now)
            remaining -= batch.count
        }
    }
}
