import Foundation
import Logging
import PostgresNIO

/// Backups with PostgreSQL's own tools: `pg_dump -Fc` (one consistent snapshot, taken while servers keep
/// working) and a restore that replaces the target's schema in one transaction, so a failed restore changes nothing.
public enum DatabaseBackup {
    /// Writes a custom-format dump of `location` to `file` (via `file.partial`, renamed when complete).
    public static func dump(_ location: DatabaseLocation, to file: String, logger: Logger) throws {
        let (url, environment) = location.toolInvocation
        let partial = file + ".partial"
        defer { unlink(partial) }
        // No owners or grants: the dump restores into an embedded cluster or any DATABASE_URL role alike.
        try CommandRunner(asPostgresUser: false).run(try PostgresBinaries.client("pg_dump"),
            ["--format=custom", "--no-owner", "--no-privileges", "--file=" + partial, "--dbname=" + url], environment: environment)
        guard rename(partial, file) == 0 else { throw StoreError.configuration("cannot write \(file): \(String(cString: strerror(errno)))") }
        logger.info("backup written", metadata: ["file": .string(file)])
    }

    /// Restores `file` into `location`. A target that already holds tables is refused unless `replace`; with it,
    /// the target's schema is dropped and the backup restored in the same transaction.
    public static func restore(_ location: DatabaseLocation, from file: String, replace: Bool, logger: Logger) async throws {
        let runner = CommandRunner(asPostgresUser: false)
        let work = NSTemporaryDirectory() + "loupe-restore-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: work, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: work) }
        // The dump becomes a script first: an unreadable or truncated file fails here, before the target is touched.
        do {
            try runner.run(try PostgresBinaries.client("pg_restore"), ["--no-owner", "--no-privileges", "--file=" + work + "/restore.sql", file])
        } catch let failure as CommandRunner.Failure {
            throw StoreError.configuration("\(file) is not a readable Loupe backup (pg_restore: \(failure.output.trimmingCharacters(in: .whitespacesAndNewlines)))")
        }
        let tables = try await location.withConnection(logger: logger) { connection in
            let rows = try await connection.query("""
                SELECT count(*)::int FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p')
                """, logger: logger)
            for try await count in rows.decode(Int.self) { return count }
            return 0
        }
        if tables > 0 && !replace {
            throw StoreError.configuration("the target database \(location.database) already holds \(tables) tables; "
                + "restore into an empty one, or pass --force to replace everything in it with the backup")
        }
        try """
            DROP SCHEMA IF EXISTS public CASCADE;
            CREATE SCHEMA public;
            """.write(toFile: work + "/before.sql", atomically: true, encoding: .utf8)
        // Events are read in (transaction id, id) order; ids from the old cluster mean nothing in this one (a fresh
        // cluster's counter is lower, so new events would sort before restored ones). Restored events go first.
        try """
            DO $$ BEGIN
                IF to_regclass('public.events') IS NOT NULL THEN UPDATE public.events SET txid = '0'::xid8; END IF;
            END $$;
            """.write(toFile: work + "/after.sql", atomically: true, encoding: .utf8)
        let (url, environment) = location.toolInvocation
        try runner.run(try PostgresBinaries.client("psql"),
                       ["-X", "-q", "--single-transaction", "-v", "ON_ERROR_STOP=1", "-f", work + "/before.sql", "-f", work + "/restore.sql",
                        "-f", work + "/after.sql", "--dbname=" + url], environment: environment)
        logger.info("backup restored", metadata: ["file": .string(file), "database": .string(location.database)])
    }
}
