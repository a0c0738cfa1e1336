import Foundation
import Logging
import PostgresNIO

/// Applies forward-only migrations, each in its own transaction, under an advisory lock so that
/// servers starting together do not race. An applied file whose checksum changed is an error.
public struct Migrator: Sendable {
    /// Arbitrary but fixed: the advisory lock key all Loupe processes agree on.
    static let lockKey: Int64 = 0x4C6F_7570_654D_6967
    let files: [MigrationFile]
    let logger: Logger

    /// The migrations built into the binary.
    public init(logger: Logger) throws {
        self.files = try MigrationFile.embedded()
        self.logger = logger
    }

    /// The migrations in a directory (tests of broken sequences).
    public init(directory: String, logger: Logger) throws {
        self.files = try MigrationFile.load(from: directory)
        self.logger = logger
    }

    public var latestVersion: Int { files.last?.version ?? 0 }

    /// Applies what is missing; returns the names applied now.
    @discardableResult
    public func migrate(_ location: DatabaseLocation) async throws -> [String] {
        try await location.withConnection(logger: logger) { connection in
            // A session lock: closing this connection releases it, whatever happens below.
            _ = try await connection.query("SELECT pg_advisory_lock(\(Self.lockKey))", logger: logger).get()
            _ = try await connection.simpleQuery("""
                CREATE TABLE IF NOT EXISTS loupe_migrations (
                    version integer PRIMARY KEY, name text NOT NULL, checksum text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """).get()
            var applied: [Int: (String, String)] = [:]
            for try await (version, name, checksum) in try await connection.query(
                "SELECT version, name, checksum FROM loupe_migrations", logger: logger
            ).decode((Int, String, String).self) {
                applied[version] = (name, checksum)
            }
            try verify(applied)
            var done: [String] = []
            for file in files where applied[file.version] == nil {
                try await apply(file, on: connection)
                done.append(file.name)
            }
            return done
        }
    }

    private func verify(_ applied: [Int: (String, String)]) throws {
        for (version, (name, checksum)) in applied {
            guard let file = files.first(where: { $0.version == version }) else {
                throw StoreError.migration("the database has migration \(name), which this build of Loupe does not know; run a newer Loupe")
            }
            guard file.checksum == checksum else {
                throw StoreError.migration(
                    "migration \(file.name) was edited after it was applied (checksum \(file.checksum.prefix(12))…, recorded \(checksum.prefix(12))…); "
                        + "migrations are forward-only: restore the file and add a new one")
            }
        }
    }

    private func apply(_ file: MigrationFile, on connection: PostgresConnection) async throws {
        logger.info("applying migration", metadata: ["file": .string(file.name)])
        _ = try await connection.simpleQuery("BEGIN").get()
        do {
            // Migration files are trusted SQL shipped with the release, run statement by statement.
            for statement in SQLStatements.split(file.sql) {
                _ = try await connection.query(PostgresQuery(unsafeSQL: statement), logger: logger).get()
            }
            try await connection.query(
                "INSERT INTO loupe_migrations (version, name, checksum) VALUES (\(file.version), \(file.name), \(file.checksum))",
                logger: logger)
            _ = try await connection.simpleQuery("COMMIT").get()
        } catch {
            _ = try? await connection.simpleQuery("ROLLBACK").get()
            throw StoreError.migration("migration \(file.name) failed and was rolled back: \(String(reflecting: error))")
        }
    }

    /// The highest applied version, or nil when the migrations table is absent.
    static func appliedVersion(_ client: PostgresClient, logger: Logger) async throws -> Int? {
        for try await exists in try await client.query("SELECT to_regclass('loupe_migrations') IS NOT NULL", logger: logger).decode(Bool.self) {
            guard exists else { return nil }
        }
        for try await version in try await client.query("SELECT max(version) FROM loupe_migrations", logger: logger).decode(Int?.self) {
            return version
        }
        return nil
    }
}

/// Creates the application database on a fresh cluster.
public enum DatabaseBootstrap {
    /// Creates `location`'s database as a copy of `template` (tests clone a migrated template).
    public static func createDatabase(_ location: DatabaseLocation, template: String, logger: Logger) async throws {
        for name in [location.database, template] where !isPlainIdentifier(name) {
            throw StoreError.configuration("database name \(name) must be letters, digits and '_'")
        }
        try await location.with(database: "postgres").withConnection(logger: logger) { connection in
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(location.database)\" TEMPLATE \"\(template)\""), logger: logger).get()
        }
    }

    static func isPlainIdentifier(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }
    }

    public static func ensureDatabase(_ location: DatabaseLocation, logger: Logger) async throws {
        let admin = location.with(database: "postgres")
        try await admin.withConnection(logger: logger) { connection in
            let rows = try await connection.query("SELECT 1 FROM pg_database WHERE datname = \(location.database)", logger: logger)
            var exists = false
            for try await _ in rows { exists = true }
            guard !exists else { return }
            // Identifiers cannot be bound; the name is validated to be a plain identifier first.
            guard isPlainIdentifier(location.database) else {
                throw StoreError.configuration("database name \(location.database) must be letters, digits and '_'")
            }
            _ = try await connection.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \"\(location.database)\""), logger: logger).get()
        }
    }
}
