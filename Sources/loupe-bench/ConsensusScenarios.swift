import Foundation
import LoupeDomain
import LoupeJSON
import Synchronization

/// Issue 12: what consensus costs. Claim + decide with `reviews_required` 1 and 2 in one run, the same reviewers
/// (each its own key, as consensus needs different people) on the same server: reviews per second and decided items
/// per second.
struct ConsensusScenarios {
    let servers: BenchServers
    let setup: BenchSetup
    let reviewers: Int
    let seconds: Double

    func run(into report: Report) async throws {
        let loupe = setup.loupe
        var keys: [String] = []
        for i in 0..<reviewers {
            keys.append(try await servers.store.keys.create(name: "consensus reviewer \(i)", role: .reviewer, tasks: nil, rateLimit: nil, now: Date()).key)
        }
        let pool = keys
        var decidedPerSecond: [Int: Double] = [:]
        for required in [1, 2] {
            let task = "consensus-\(required)"
            let (status, _) = try await loupe.json(.PUT, "/v1/tasks/\(task)", key: setup.admin,
                                                   body: ["output_schema": ["type": "object"], "reviews_required": .int(required), "max_leases": 100])
            guard status == 201 || status == 200 else { throw BenchError("could not define task \(task): \(status)") }
            try await ClaimScenarios.seed(servers.store, task: task, count: Int(seconds * 3000) + 1000)
            let turn = Atomic<Int>(0)
            let result = try await runLoad(concurrency: reviewers, seconds: seconds) {
                let key = pool[turn.wrappingAdd(1, ordering: .relaxed).oldValue % pool.count]
                let (claimed, item) = try await loupe.json(.POST, "/v1/review/claim", key: key, body: ["task": .string(task)])
                guard claimed == 200, let id = item["id"]?.stringValue else { return 0 }
                let (decided, _) = try await loupe.send(.POST, "/v1/items/\(id)/decision", key: key, body: JSONWriter.bytes(["action": "approve"]))
                return decided == 200 ? 1 : 0
            }
            let (_, stats) = try await loupe.json(.GET, "/v1/tasks/\(task)/stats", key: setup.admin)
            let decided = stats["by_status"]?["approved"]?.doubleValue ?? 0
            decidedPerSecond[required] = decided / seconds
            report.row("reviews_required \(required), \(reviewers) reviewers: reviews", result.rate, unit: "reviews/s", limit: nil)
            report.row("reviews_required \(required), \(reviewers) reviewers: decided items", decided / seconds, unit: "items/s", limit: nil)
            report.row("reviews_required \(required): claim + decide p99 (both calls)", result.percentile(0.99), unit: "ms", limit: nil)
        }
        if let one = decidedPerSecond[1], let two = decidedPerSecond[2], one > 0 {
            report.row("decided items/s, reviews_required 2 ÷ 1", two / one, unit: "×", limit: nil)
        }
    }
}
