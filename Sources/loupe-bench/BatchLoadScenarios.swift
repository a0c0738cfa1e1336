import Foundation

/// Issue 17, point 2's batch target: `POST /v1/items/batch` with 1,000 realistic pending items per request, offered by
/// `wrk` in its own process, against `pgbench` inserting the same 1,000 rows (each with its own literals) in one
/// statement per transaction, on as many connections; CPU per 1,000 items for both processes and WAL per item.
extension UserLoadScenarios {
    static let batchConnections = 4
    static let batchItems = 1000

    func batch(into report: Report, key: String, body: String) throws {
        let bench = Pgbench(location: servers.session.location, clients: Self.batchConnections, transactionsPerClient: 40)
        guard let raw = try bench.run(script: Self.insert(body, rows: Self.batchItems) + ";\n", rowsPerTransaction: Self.batchItems) else {
            report.row("pgbench: 1000-row INSERTs did not finish within 120 s; stopped", .nan, unit: "", limit: nil)
            return
        }
        let rawRate = raw.tps * Double(Self.batchItems)
        let rawLabel = "pgbench: the same 1000 rows per INSERT, \(Self.batchConnections) connections"
        report.row(rawLabel, rawRate, unit: "rows/s", limit: nil)
        report.row("\(rawLabel): CPU s per 1,000 rows, PostgreSQL / pgbench", raw.postgresCPU, unit: String(format: "/ %.2f", raw.clientCPU), limit: nil)
        report.row("\(rawLabel): WAL bytes per row", raw.walBytes, unit: "B", limit: nil)

        let batchBody = #"{"items":["# + Array(repeating: body, count: Self.batchItems).joined(separator: ",") + "]}"
        let wrk = Wrk(url: "http://127.0.0.1:\(servers.loupe.port)", key: key, body: batchBody, path: "/v1/items/batch")
        let run = try measure(wrk, connections: Self.batchConnections, server: servers.loupe, itemsPerRequest: Self.batchItems)
        let label = "Loupe POST /v1/items/batch, 1000 pending items per request, wrk \(Self.batchConnections) connections"
        report.row(label, Double(run.items) / run.result.seconds, unit: "items/s", limit: rawRate, target: "≥ 0.8 × raw batch")
        run.report(label, latency: "request p50 / p99", into: report)
    }
}
