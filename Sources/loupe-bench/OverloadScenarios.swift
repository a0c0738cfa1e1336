import Foundation
import LoupeJSON

/// Intake offered at 1×, 2× and 4× of measured capacity by `wrk` in its own process, with a realistic body
/// (a 1 KB input, a nested output, confidence 0.83 so every item queues), against a `loupe serve` set up as
/// an operator protects one: LOUPE_MAX_CONCURRENT_REQUESTS=64 (intake may hold 48 of them, twice what
/// capacity needs here) and a key limited to the measured capacity. The excess must be refused at once
/// (429/503 with Retry-After) while accepted requests keep their latency, nothing answers 500, and every
/// accepted item is in PostgreSQL afterwards. (With the default 512, 256 connections all fit: nothing is
/// refused and latency grows with the queue, 4× p99 ≈ 7× the 1× p99 in one run.)
struct OverloadScenarios {
    let servers: BenchServers
    let seconds: Int
    static let task = "overload"
    /// Enough paced connections to offer 4× capacity while accepted requests take tens of milliseconds each.
    static let connections = 256

    /// The table for the README, printed after the run.
    struct Line { let load: String; let offered: Double; let result: Wrk.Result; let cpu: (loupe: Double, postgres: Double) }

    static var body: String {
        let text = String(repeating: "Invoice INV-2026-0042 from ACME Corp., Rue du Lac 12, Geneva. Net 30 days. ", count: 14)
        let item: JSONValue = [
            "task": .string(task), "input": ["text": .string(String(text.prefix(1024)))], "confidence": 0.83, "model": "m", "prompt_version": "v3",
            "output": ["vendor": "ACME Corp.", "total": 1240.5, "currency": "EUR",
                       "lines": [["sku": "A-1", "qty": 2, "price": 120.25], ["sku": "B-7", "qty": 1, "price": 1000]]],
        ]
        return JSONWriter.string(item)
    }

    func run(into report: Report, admin: String, loupe: HTTPDriver) async throws {
        let server = try await ChildServer(
            executable: servers.loupeBinary, arguments: ["serve", "--port", "0", "--data-dir", servers.dataDirectory + "/overload"],
            environment: ["DATABASE_URL": servers.session.location.psqlURL, "LOUPE_DB_POOL_SIZE": "32", "LOUPE_MAX_CONCURRENT_REQUESTS": "64"],
            logPath: servers.dataDirectory + "/loupe-overload.log")
        defer { Task { await server.stop() } }
        try await measure(into: report, admin: admin, loupe: loupe, server: server)
        await server.stop()
    }

    private func measure(into report: Report, admin: String, loupe: HTTPDriver, server: ChildServer) async throws {
        let schema: JSONValue = ["type": "object", "required": ["vendor", "total", "lines"], "properties": [
            "vendor": ["type": "string"], "total": ["type": "number"], "currency": ["enum": ["EUR", "USD"]],
            "lines": ["type": "array", "items": ["type": "object", "required": ["sku", "qty"]]]]]
        let (status, _) = try await loupe.json(.PUT, "/v1/tasks/\(Self.task)", key: admin, body: ["output_schema": schema])
        guard status == 201 || status == 200 else { throw BenchError("could not define task \(Self.task): \(status)") }
        let url = "http://127.0.0.1:\(server.port)/v1/items"
        let open = try await servers.store.keys.create(name: "overload-open", role: .ingest, tasks: nil, rateLimit: nil, now: Date()).key
        // Capacity: as much as 32 unpaced connections get through on an unlimited key (after a warm-up).
        _ = try Wrk(url: url, key: open, body: Self.body).run(connections: 32, seconds: 2, pauseMs: 0)
        let before = try await servers.baseline.count(task: Self.task)
        let cpu0 = CPU.sample(loupe: server.process.processIdentifier)
        let capacityRun = try Wrk(url: url, key: open, body: Self.body).run(connections: 32, seconds: seconds, pauseMs: 0)
        let capacity = Double(capacityRun.ok) / capacityRun.seconds
        var accepted = capacityRun.ok
        var lines = [Line(load: "capacity (32 unpaced connections)", offered: Double(capacityRun.total) / capacityRun.seconds,
                          result: capacityRun, cpu: CPU.sample(loupe: server.process.processIdentifier).perThousand(since: cpu0, items: capacityRun.ok))]
        report.row("overload: intake capacity, realistic body, wrk 32 connections", capacity, unit: "req/s", limit: nil)

        // A key limited to that capacity, offered 1×, 2× and 4× of it by paced connections.
        let limited = try await servers.store.keys.create(name: "overload-limited", role: .ingest, tasks: nil, rateLimit: capacity.rounded(),
                                                         now: Date()).key
        let wrk = Wrk(url: url, key: limited, body: Self.body)
        let p50 = capacityRun.percentile(0.5)
        for factor in [1.0, 2.0, 4.0] {
            // Closed-loop connections offer less than their pacing suggests once answers slow down or speed up
            // (refusals are fast): two short probes adjust the pause toward the wanted rate.
            let target = factor * capacity, c = Double(Self.connections)
            var pause = max(0, c * 1000 / target - p50)
            for _ in 0..<2 {
                let probe = try wrk.run(connections: Self.connections, seconds: 2, pauseMs: pause)
                accepted += probe.ok
                pause = max(0, pause + (c / target - c / (Double(probe.total) / probe.seconds)) * 1000)
            }
            let cpu = CPU.sample(loupe: server.process.processIdentifier)
            let result = try wrk.run(connections: Self.connections, seconds: seconds, pauseMs: pause)
            accepted += result.ok
            let spent = CPU.sample(loupe: server.process.processIdentifier).perThousand(since: cpu, items: result.ok)
            lines.append(Line(load: "\(Int(factor))× capacity", offered: Double(result.total) / result.seconds, result: result, cpu: spent))
            let name = "overload \(Int(factor))×"
            report.row("\(name): accepted p99", result.percentile(0.99), unit: "ms", limit: nil)
            report.row("\(name): refused (429/503) share", Double(result.refused) / Double(max(1, result.total)) * 100, unit: "%", limit: nil)
            report.row("\(name): 5xx other than 503", Double(result.serverErrors), unit: "responses", limit: nil, target: "0")
        }
        let stored = try await servers.baseline.count(task: Self.task) - before
        report.row("overload: 2xx answers vs items in PostgreSQL afterwards", Double(stored), unit: "items", limit: Double(accepted),
                   target: "ratio 1.00")
        Self.printTable(lines, capacity: capacity, stored: stored, accepted: accepted)
    }

    static func printTable(_ lines: [Line], capacity: Double, stored: Int, accepted: Int) {
        print("\nIntake under overload (wrk, \(connections) paced connections, key limited to \(Int(capacity)) req/s):\n")
        print("| offered load | offered req/s | accepted req/s | refused: 429 / 503 | refusals without Retry-After | other 5xx | accepted p50 | accepted p99 | CPU s per 1,000 accepted: loupe / PostgreSQL / wrk |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
        for l in lines {
            let r = l.result
            let share = { (status: Int) in Double(r.statuses[status] ?? 0) / Double(max(1, r.total)) * 100 }
            print(String(format: "| %@ | %.0f | %.0f | %.1f %% / %.1f %% | %d | %d | %.1f ms | %.1f ms | %.2f / %.2f / %.2f |", l.load, l.offered,
                         Double(r.ok) / r.seconds, share(429), share(503), r.refusalsWithoutRetryAfter,
                         r.serverErrors, r.percentile(0.5), r.percentile(0.99), l.cpu.loupe, l.cpu.postgres,
                         r.clientCPU / Double(max(1, r.ok)) * 1000))
        }
        print("\n2xx answers: \(accepted); items in PostgreSQL afterwards: \(stored)\n")
    }
}

/// CPU time (user + system) from /proc, for `loupe serve` and for every `postgres` process.
struct CPU {
    let loupe: Double
    let postgres: Double

    static func sample(loupe pid: Int32) -> CPU {
        var postgres = 0.0
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.allSatisfy(\.isNumber) {
            if (try? String(contentsOfFile: "/proc/\(entry)/comm", encoding: .utf8))?.hasPrefix("postgres") == true {
                // With the reaped children's time too: backends of short-lived connections (pgbench's) have exited by
                // the second sample, and only the postmaster still carries their CPU.
                postgres += seconds(of: entry, withReapedChildren: true)
            }
        }
        return CPU(loupe: seconds(of: "\(pid)"), postgres: postgres)
    }

    /// utime + stime, fields 14 and 15 of /proc/PID/stat (after the parenthesised command name); with
    /// `withReapedChildren`, cutime + cstime (16, 17) too.
    static func seconds(of pid: String, withReapedChildren: Bool = false) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 15, let user = Double(fields[11]), let system = Double(fields[12]),
              let childUser = Double(fields[13]), let childSystem = Double(fields[14]) else { return 0 }
        return (user + system + (withReapedChildren ? childUser + childSystem : 0)) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    func perThousand(since start: CPU, items: Int) -> (loupe: Double, postgres: Double) {
        let k = Double(max(1, items)) / 1000
        return ((loupe - start.loupe) / k, (postgres - start.postgres) / k)
    }
}
