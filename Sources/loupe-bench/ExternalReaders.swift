import Foundation
import LoupeStore

/// PostgreSQL's own fastest way out: `psql \copy (SELECT …) TO '/dev/null'` of the rows the export reads (people's
/// decisions, from their own table since migration 0034).
enum Copy {
    /// Rows per second of the first `rows` of `task`'s people's decisions, in the export's order, counted as psql
    /// reports them (`COPY n`: fewer when the task has fewer).
    static func rate(location: DatabaseLocation, task: String = "exported", rows: Int) throws -> Double {
        let sql = #"\copy ("# + select(task: task, rows: rows) + #") TO '/dev/null'"#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [location.psqlURL, "-v", "ON_ERROR_STOP=1", "-c", sql]
        let out = Pipe()
        process.standardOutput = out
        let start = Date()
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0, let copied = text.split(separator: "\n").last(where: { $0.hasPrefix("COPY ") })
            .flatMap({ Int($0.dropFirst(5)) }) else { throw BenchError("psql \\copy failed: \(text)") }
        return Double(copied) / seconds
    }

    /// The rows `\copy` reads (the bench's own task names, never a caller's text).
    static func select(task: String, rows: Int) -> String {
        "SELECT id, task, input, output, final_output, decision_action, confidence, prompt_version, model, decided_by, decided_at "
            + "FROM people_decisions WHERE task = '\(task)' ORDER BY task, id LIMIT \(rows)"
    }
}

/// An export read by `curl` in its own process, as `psql` reads `\copy`, so the client's work is not
/// charged to the server (both share the machine's cores either way).
enum Curl {
    /// Streams `url` to `wc -l` (the first `limit` lines, if given); returns the line count and the seconds taken.
    static func lines(url: String, key: String, limit: Int? = nil) throws -> (lines: Int, seconds: Double) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        // With a limit, `head` closes the pipe and curl stops on the broken pipe; the pipeline's status is wc's.
        let cut = limit.map { " | head -n \($0)" } ?? ""
        process.arguments = ["-c", #"curl -sS -H "Authorization: Bearer $LOUPE_KEY" "$LOUPE_URL""# + cut + " | wc -l"]
        process.environment = ["LOUPE_KEY": key, "LOUPE_URL": url, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        let start = Date()
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let seconds = Date().timeIntervalSince(start)
        guard process.terminationStatus == 0, let lines = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("curl could not read \(url) (is curl installed?)")
        }
        return (lines, seconds)
    }
}

/// The cluster's write-ahead log position in bytes, read with `psql`: the difference over a run is the WAL the run
/// wrote (full-page images after checkpoints included, as a user's disk and replicas see it).
enum WAL {
    static func position(_ location: DatabaseLocation) throws -> Double {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [location.psqlURL, "-v", "ON_ERROR_STOP=1", "-Atc", "SELECT pg_current_wal_lsn() - '0/0'"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let bytes = Double(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw BenchError("could not read the WAL position: \(text)")
        }
        return bytes
    }
}
