import Foundation

/// PostgreSQL's own client, for checks that must bypass Loupe (e.g. that the database itself refuses a write).
enum Psql {
    /// Off the cooperative pool: psql may wait on a lock that only other tests' tasks can release.
    static func run(url: String, _ sql: String) async throws -> (Int32, String, String) {
        try await OffPool.run { try blocking(url: url, sql) }
    }

    /// The one number `sql` selects (a count), or -1 when psql printed something else.
    static func integer(url: String, _ sql: String) async throws -> Int {
        Int(try await run(url: url, sql).1.trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    static func blocking(url: String, _ sql: String) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-v", "ON_ERROR_STOP=1", "-Atc", sql]
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }
}
