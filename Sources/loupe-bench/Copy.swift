import Foundation
import LoupeStore

/// PostgreSQL's own fastest way out: `psql \copy (SELECT …) TO '/dev/null'` of the rows the export reads.
enum Copy {
    static func rate(location: DatabaseLocation, rows: Int) throws -> Double {
        let sql = #"\copy (SELECT id, task, input, output, final_output, decision_action, confidence, prompt_version, model, decided_by, decided_at FROM items WHERE task = 'exported' AND decision_action IS NOT NULL AND decided_by <> 'auto' ORDER BY id) TO '/dev/null'"#
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [location.psqlURL, "-v", "ON_ERROR_STOP=1", "-c", sql]
        process.standardOutput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw BenchError("psql \\copy failed") }
        return Double(rows) / Date().timeIntervalSince(start)
    }
}
