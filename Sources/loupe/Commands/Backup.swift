import ArgumentParser
import Foundation
import LoupeServices
import LoupeStore

/// `loupe backup --out FILE`: a consistent `pg_dump -Fc` of the embedded cluster or DATABASE_URL, taken while
/// servers keep running.
struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Write a backup of the database (pg_dump custom format) while Loupe runs.")
    @Option(help: "The backup file to write.") var out: String
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = Logs.make("loupe")
        let session = try await database.open(exclusive: false, logger: logger)
        defer { session.close() }
        try await Operator.report {
            try DatabaseBackup.dump(session.location, to: Operator.absolute(out), logger: logger)
        }
        print("backup written to \(out)")
    }
}

/// `loupe restore --in FILE [--force]`: the backup into an empty database (or, with `--force`, in place of
/// everything in it), then migrations up to this binary's.
struct Restore: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Restore a backup made by `loupe backup`. Stop every `loupe serve` using the database first.")
    @Option(name: .customLong("in"), help: "The backup file to read.") var input: String
    @Flag(help: "Replace what the target database holds (its whole public schema) with the backup.") var force = false
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = Logs.make("loupe")
        // Exclusive: an embedded cluster a server is using is refused (that server would serve a vanishing schema).
        let session = try await database.open(exclusive: true, migrate: false, logger: logger)
        defer { session.close() }
        try await Operator.report {
            try await DatabaseBackup.restore(session.location, from: Operator.absolute(input), replace: force, logger: logger)
            let applied = try await Migrator(logger: logger).migrate(session.location)
            if !applied.isEmpty { logger.info("migrations applied after restore", metadata: ["files": .string(applied.joined(separator: ", "))]) }
        }
        print("restored \(input)")
    }
}

/// How commands say an operator's error: one line on stderr and a failing exit status.
enum Operator {
    static func report(_ body: () async throws -> Void) async throws {
        do { try await body() } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }

    /// PostgreSQL's tools run from `/`; a relative path means the operator's working directory.
    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }
}
