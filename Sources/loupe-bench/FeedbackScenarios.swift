import Foundation
import LoupeJSON

/// Few-shot query latency over many examples, and export throughput against `\copy` of the same rows.
struct FeedbackScenarios {
    let servers: BenchServers
    let setup: BenchSetup
    let examples: Int
    let exportRows: Int

    func run(into report: Report) async throws {
        let loupe = setup.loupe, key = setup.admin
        for task in ["fewshot", "exported"] {
            _ = try await loupe.json(.PUT, "/v1/tasks/\(task)", key: key, body: ["output_schema": ["type": "object"], "instructions": "Extract."])
        }
        try await servers.baseline.seedExamples(task: "fewshot", count: examples)
        let queries = (0..<500).map { i in
            "Invoice from \(["ACME", "Globex", "Initech", "Hooli"][i % 4]) branch \(i * 7 % 1013), total \(i * 13 % 7919).00 EUR"
        }
        // What else works on the two cores meanwhile: autovacuum of the tables the earlier scenarios and this seeding filled.
        let vacuuming = try await servers.baseline.figure(
            "SELECT count(*)::float8 FROM pg_stat_activity WHERE backend_type = 'autovacuum worker'")
        let background = BackgroundCPU.sample()
        let result = try await latencies(queries, loupe: loupe, key: key)
        let after = BackgroundCPU.sample()
        report.row("autovacuum workers running as the few-shot queries start", vacuuming, unit: "", limit: nil)
        report.row("PostgreSQL background CPU during the few-shot queries", after.total(since: background),
                   unit: "s (" + after.summary(since: background) + ")", limit: nil)
        report.row("few-shot query p50, \(examples) examples, k=5", result.percentile(0.5), unit: "ms", limit: nil)
        report.row("few-shot query p99, \(examples) examples, k=5", result.percentile(0.99), unit: "ms", limit: 20, target: "< 20 ms")
        // Queries with no rare word fall back to the exact KNN scan: shown, not hidden.
        let vendors = ["ACME", "Globex", "Initech", "Umbrella", "Hooli", "Stark", "Wayne", "Wonka"]
        let common = (0..<120).map { i in "Invoice from \(vendors[i % 8]) branch, total EUR due March" }
        let fallback = try await latencies(common, loupe: loupe, key: key)
        report.row("few-shot query p99 when no query word is rare (KNN fallback)", fallback.percentile(0.99), unit: "ms", limit: nil)

        try await servers.baseline.seedDecided(task: "exported", count: exportRows)
        // Exports read rows decided long before, which autovacuum has settled. Right after the bulk seed, the first reader
        // set every row's hint bits while autovacuum worked through the million new rows beside it, and `\copy`, run
        // second, found them settled. So: settle them first, then alternate the two readers twice and keep each one's best.
        try await servers.baseline.upkeep()
        let rssBefore = servers.loupe.peakRSSMiB
        var rate = 0.0, copy = 0.0
        for _ in 0..<2 {
            let export = try Curl.lines(url: "\(loupe.base)/v1/export?task=exported&format=jsonl", key: key)
            guard export.lines == exportRows else { throw BenchError("export wrote \(export.lines) rows, not \(exportRows)") }
            rate = max(rate, Double(exportRows) / export.seconds)
            copy = max(copy, try Copy.rate(location: servers.session.location, rows: exportRows))
        }
        report.row("psql \\copy (SELECT the same columns) TO /dev/null, \(exportRows) rows, best of 2", copy, unit: "rows/s", limit: nil)
        report.row("Loupe GET /v1/export jsonl read by curl, \(exportRows) rows, best of 2", rate, unit: "rows/s", limit: copy,
                   target: "≥ 0.5 × COPY")
        report.row("loupe serve peak RSS growth during the export", servers.loupe.peakRSSMiB - rssBefore, unit: "MiB", limit: nil, target: "flat")
    }
}

extension FeedbackScenarios {
    /// Sequential few-shot queries (the first 20 warm up and are not counted).
    func latencies(_ queries: [String], loupe: HTTPDriver, key: String) async throws -> LoadResult {
        let clock = ContinuousClock()
        var latencies: [Double] = []
        for (i, q) in queries.enumerated() {
            let path = "/v1/tasks/fewshot/examples?k=5&query=" + (q.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
            let t0 = clock.now
            let (status, _) = try await loupe.send(.GET, path, key: key)
            let d = t0.duration(to: clock.now)
            guard status == 200 else { throw BenchError("few-shot query answered \(status)") }
            if i >= 20 { latencies.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) }
        }
        return LoadResult(operations: latencies.count, seconds: 1, latencies: latencies.sorted())
    }
}

struct BenchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
