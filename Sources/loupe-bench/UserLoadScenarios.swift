import Foundation
import LoupeJSON

/// Issue 17: intake measured as a user measures it. `wrk` in its own process offers a realistic body (a 1 KB input,
/// a nested output) to `loupe serve` on the pending path (confidence 0.83) and the approved path (0.93), and the same
/// body to the framework floor (a bare Hummingbird route, one INSERT); `pgbench` inserts the same row straight into
/// PostgreSQL. Each run reports req/s, p50/p99 and CPU seconds per 1,000 items of the server, PostgreSQL and the client.
/// Then the same for batches of 1,000 (`BatchLoadScenarios`).
struct UserLoadScenarios {
    let servers: BenchServers
    let setup: BenchSetup
    let seconds: Int
    static let connections = 32

    func run(into report: Report) async throws {
        let (status, _) = try await setup.loupe.json(.PUT, "/v1/tasks/\(OverloadScenarios.task)", key: setup.admin, body: [
            "output_schema": ["type": "object", "required": ["vendor", "total", "lines"], "properties": [
                "vendor": ["type": "string"], "total": ["type": "number"], "currency": ["enum": ["EUR", "USD"]],
                "lines": ["type": "array", "items": ["type": "object", "required": ["sku", "qty"]]]]]])
        guard status == 201 || status == 200 else { throw BenchError("could not define task \(OverloadScenarios.task): \(status)") }
        let key = try await servers.store.keys.create(name: "user-load", role: .ingest, tasks: nil, rateLimit: nil, now: Date()).key
        let pending = OverloadScenarios.body
        let approved = pending.replacingOccurrences(of: #""confidence":0.83"#, with: #""confidence":0.93"#)
        guard approved != pending else { throw BenchError("the approved body did not change") }
        let loupe = "http://127.0.0.1:\(servers.loupe.port)", floor = "http://127.0.0.1:\(servers.floor.port)"
        let runs: [(String, Wrk, ChildServer)] = [
            ("floor: bare Hummingbird route + INSERT", Wrk(url: floor, key: nil, body: pending, path: "/raw"), servers.floor),
            ("Loupe POST /v1/items, pending item", Wrk(url: loupe, key: key, body: pending), servers.loupe),
            ("Loupe POST /v1/items, auto-approved item", Wrk(url: loupe, key: key, body: approved), servers.loupe),
        ]
        var floorRate: Double?
        for (name, wrk, server) in runs {
            let run = try measure(wrk, connections: Self.connections, server: server)
            let rate = Double(run.items) / run.result.seconds
            if floorRate == nil { floorRate = rate }
            let label = "\(name), wrk \(Self.connections) connections"
            report.row(label, rate, unit: "req/s", limit: name.hasPrefix("floor") ? nil : floorRate,
                       target: name.hasPrefix("floor") ? "" : "≥ 0.6 × floor (pending)")
            run.report(label, latency: "p50 / p99", into: report)
        }
        try pgbench(into: report, body: pending)
        try batch(into: report, key: key, body: pending)
    }

    /// One `wrk` run after a 2 s warm-up, with the server's and PostgreSQL's CPU and the WAL it wrote. The WAL position is
    /// read outside the CPU window: psql's own backend is not charged to the run.
    func measure(_ wrk: Wrk, connections: Int, server: ChildServer, itemsPerRequest: Int = 1) throws -> MeasuredLoad {
        _ = try wrk.run(connections: connections, seconds: 2, pauseMs: 0)
        let wal0 = try WAL.position(servers.session.location)
        let cpu0 = CPU.sample(loupe: server.process.processIdentifier)
        let result = try wrk.run(connections: connections, seconds: seconds, pauseMs: 0)
        let items = result.ok * itemsPerRequest
        let cpu = CPU.sample(loupe: server.process.processIdentifier).perThousand(since: cpu0, items: items)
        return MeasuredLoad(result: result, items: items, cpu: cpu, wal: try WAL.position(servers.session.location) - wal0)
    }

    /// The same row inserted by `pgbench` (one INSERT per transaction, the same connections), PostgreSQL's own ceiling.
    private func pgbench(into report: Report, body: String) throws {
        let bench = Pgbench(location: servers.session.location, clients: Self.connections, transactionsPerClient: 400)
        guard let result = try bench.run(script: Self.insert(body, rows: 1) + ";\n", rowsPerTransaction: 1) else {
            report.row("pgbench: did not finish 400 transactions per client within 120 s; stopped", .nan, unit: "", limit: nil)
            return
        }
        report.row("pgbench: the same row, one INSERT per transaction, \(Self.connections) connections", result.tps, unit: "rows/s", limit: nil)
        report.row("pgbench: CPU s per 1,000 rows, PostgreSQL / pgbench", result.postgresCPU,
                   unit: String(format: "/ %.2f", result.clientCPU), limit: nil)
        report.row("pgbench: WAL bytes per row", result.walBytes, unit: "B", limit: nil)
    }

    /// An INSERT of `rows` copies of the body's item as a pending row, each with its own literals (as a client sends them).
    /// `id` is the SQL for each row's id: random by default, `RawBaseline.orderedID` for ids in insertion order as intake's
    /// are (where a table holds millions of rows, random ids insert all over the primary key's pages, which intake never does).
    static func insert(_ body: String, rows: Int, id: String = "gen_random_uuid()") -> String {
        let json = (try? JSONParser.parse(body)) ?? .null
        let output = Pgbench.literal(JSONWriter.string(json["output"] ?? .null))
        let input = Pgbench.literal(JSONWriter.string(json["input"] ?? .null))
        let row = "(\(id), '\(OverloadScenarios.task)', 'pending', \(input), \(output), 0.83, '[]', 'waiting', now(), now())"
        return "INSERT INTO items (id, task, status, input, output, confidence, reasons, queue_state, created_at, updated_at) VALUES\n"
            + Array(repeating: row, count: rows).joined(separator: ",\n")
    }
}

/// What one measured `wrk` run did, per item (a batch request carries many).
struct MeasuredLoad {
    let result: Wrk.Result
    let items: Int
    let cpu: (loupe: Double, postgres: Double)
    let wal: Double

    /// The rows every intake run reports besides its rate: latency, CPU per 1,000 items, WAL per item, refusals.
    func report(_ label: String, latency: String, into report: Report) {
        report.row("\(label): \(latency)", result.percentile(0.5), unit: String(format: "/ %.1f ms", result.percentile(0.99)), limit: nil)
        report.row("\(label): CPU s per 1,000 items, server / PostgreSQL / wrk", cpu.loupe,
                   unit: String(format: "/ %.2f / %.2f", cpu.postgres, result.clientCPU / Double(max(1, items)) * 1000), limit: nil)
        report.row("\(label): WAL bytes per item", wal / Double(max(1, items)), unit: "B", limit: nil)
        if result.ok < result.total { report.row("\(label): answers other than 2xx", Double(result.total - result.ok), unit: "", limit: nil) }
    }
}
