import Foundation
import LoupeStore

/// `pgbench` running one SQL script per transaction straight against PostgreSQL: the database's own ceiling, measured
/// with the same CPU and WAL readings as the HTTP runs.
struct Pgbench {
    /// What one run did: transactions per second, and per 1,000 rows PostgreSQL's and pgbench's CPU and the WAL.
    struct Result {
        let tps: Double
        let transactions: Double
        let postgresCPU: Double
        let clientCPU: Double
        let walBytes: Double
    }

    let location: DatabaseLocation
    let clients: Int
    /// A count, not -T: under loupe-bench pgbench ignored its -T timer (and SIGTERM) and ran on for minutes.
    let transactionsPerClient: Int

    /// Runs `script`; nil when pgbench did not finish within `limit` seconds (it is killed).
    func run(script sql: String, rowsPerTransaction: Int, limit: Double = 120) throws -> Result? {
        let script = NSTemporaryDirectory() + "loupe-pgbench-\(UUID().uuidString.prefix(8)).sql"
        try sql.write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/lib/postgresql/15/bin/pgbench")
        process.arguments = ["-n", "-c", "\(clients)", "-j", "\(min(clients, 2))", "-t", "\(transactionsPerClient)", "-f", script,
                             location.psqlURL]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let wal0 = try WAL.position(location)
        let cpu0 = CPU.sample(loupe: getpid())
        let client0 = Wrk.childrenCPU()
        try process.run()
        let pid = process.processIdentifier
        DispatchQueue.global().asyncAfter(deadline: .now() + limit) { if process.isRunning { kill(pid, SIGKILL) } }
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        if process.terminationReason == .uncaughtSignal { return nil }
        guard process.terminationStatus == 0,
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("tps = ") }),
              let tps = Double(line.dropFirst(6).prefix { $0 == "." || $0.isNumber }),
              let txLine = text.split(separator: "\n").first(where: { $0.contains("number of transactions actually processed") }),
              let transactions = Double(txLine.split(separator: ":").last?.trimmingCharacters(in: .whitespaces).split(separator: "/").first ?? "")
        else { throw BenchError("pgbench failed:\n\(text.suffix(2000))") }
        let rows = transactions * Double(rowsPerTransaction)
        let cpu = CPU.sample(loupe: getpid()).perThousand(since: cpu0, items: Int(rows))
        let wal = try WAL.position(location) - wal0
        return Result(tps: tps, transactions: transactions, postgresCPU: cpu.postgres,
                      clientCPU: (Wrk.childrenCPU() - client0) / max(1, rows) * 1000, walBytes: wal / max(1, rows))
    }

    /// A SQL string literal.
    static func literal(_ text: String) -> String { "'" + text.replacingOccurrences(of: "'", with: "''") + "'" }
}
