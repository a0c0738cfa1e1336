import Foundation
import LoupeJSON

/// Single and batched intake against raw PostgreSQL and the framework floor.
struct IntakeScenarios {
    let servers: BenchServers
    let setup: BenchSetup
    let concurrency: Int
    let seconds: Double

    static let output: JSONValue = ["vendor": "ACME Corp.", "total": 120.0]
    static let item: JSONValue = ["task": "bench", "input": ["text": "ACME Corp. Total due: 120.00 EUR"], "output": output,
                                  "confidence": 0.93, "model": "m", "prompt_version": "v3"]
    static let batchConcurrency = 2

    func run(into report: Report) async throws {
        let baseline = servers.baseline, loupe = setup.loupe, floor = setup.floor, key = setup.admin
        let body = JSONWriter.string(Self.output)
        let itemBytes = JSONWriter.bytes(Self.item)
        let batch = JSONWriter.bytes(["items": .array(Array(repeating: Self.item, count: 1000))])

        _ = try await runLoad(concurrency: concurrency, seconds: 1) { try await baseline.insertOne(task: "bench", body: body); return 1 }
        let raw = try await runLoad(concurrency: concurrency, seconds: seconds) {
            try await baseline.insertOne(task: "bench", body: body)
            return 1
        }
        report.row("raw INSERT, 1 row per statement, \(concurrency) connections", raw.rate, unit: "rows/s", limit: nil)

        _ = try await runLoad(concurrency: concurrency, seconds: 1) { try await floor.send(.POST, "/raw", key: nil, body: Array(body.utf8)); return 1 }
        let bare = try await runLoad(concurrency: concurrency, seconds: seconds) {
            let (status, _) = try await floor.send(.POST, "/raw", key: nil, body: Array(body.utf8))
            return status == 201 ? 1 : 0
        }
        report.row("framework floor: bare Hummingbird route + INSERT, \(concurrency) clients", bare.rate, unit: "req/s", limit: raw.rate)

        _ = try await runLoad(concurrency: concurrency, seconds: 1) { _ = try await loupe.send(.POST, "/v1/items", key: key, body: itemBytes); return 1 }
        let single = try await runLoad(concurrency: concurrency, seconds: seconds) {
            let (status, _) = try await loupe.send(.POST, "/v1/items", key: key, body: itemBytes)
            return status == 201 ? 1 : 0
        }
        report.row("Loupe POST /v1/items, \(concurrency) clients", single.rate, unit: "req/s", limit: bare.rate, target: "≥ 0.5 × floor")
        report.row("Loupe POST /v1/items p50 latency", single.percentile(0.5), unit: "ms", limit: nil)
        report.row("Loupe POST /v1/items p99 latency", single.percentile(0.99), unit: "ms", limit: nil)

        let rawBatch = try await runLoad(concurrency: Self.batchConcurrency, seconds: seconds) {
            try await baseline.insertBatch(task: "bench", body: body, count: 1000)
            return 1000
        }
        report.row("raw INSERT, 1000 rows per statement", rawBatch.rate, unit: "rows/s", limit: nil)
        let loupeBatch = try await runLoad(concurrency: Self.batchConcurrency, seconds: seconds) {
            let (status, _) = try await loupe.send(.POST, "/v1/items/batch", key: key, body: batch)
            return status == 200 ? 1000 : 0
        }
        report.row("Loupe POST /v1/items/batch (1000 items)", loupeBatch.rate, unit: "items/s", limit: rawBatch.rate,
                   target: "≥ 0.5 × raw batch")
    }
}
