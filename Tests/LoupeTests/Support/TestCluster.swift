import Foundation
import Logging
import LoupeServices
import LoupeStore
import Synchronization

/// One throwaway embedded PostgreSQL per test process (the same code `loupe serve` uses), a migrated
/// template database, and a fresh database cloned from it for every test.
enum TestCluster {
    static let home = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
    static let directory = "/tmp/loupe-tests-\(getpid())"
    static let logger: Logger = {
        var logger = Logger(label: "loupe-tests")
        logger.logLevel = .warning
        return logger
    }()

    private static let cluster = Mutex<EmbeddedCluster?>(nil)
    private static let template = "loupe_template"
    private static let counter = Atomic<Int>(0)

    /// Starts the cluster and migrates the template once; later calls return at once.
    private static let ready: Task<DatabaseLocation, any Error> = Task {
        // Dozens of `loupe serve` processes (pools of 8) and in-process servers share it at the busiest moment of a
        // run; 500 connections ran out ("too many clients already") once the waiting and event tests were added.
        // No fsync: a throwaway cluster loses nothing to a process crash without it, and with it every commit of the
        // in-process tests waited behind the disk flushes of the initdb, pg_basebackup and restores that process
        // tests run at the same time (60 s stalls were seen in full runs).
        let opened = try EmbeddedCluster.open(dataDirectory: directory, attachIfOwned: false, maxConnections: 1200,
                                              settings: ["fsync = off", "synchronous_commit = off", "full_page_writes = off"],
                                              logger: logger)
        cluster.withLock { $0 = opened }
        atexit { TestCluster.shutdown() }
        let location = opened.location.with(database: template)
        try await DatabaseBootstrap.ensureDatabase(location, logger: logger)
        try await Migrator(logger: logger).migrate(location)
        return location
    }

    static var latestMigration: Int { (try? MigrationFile.embedded().count) ?? 0 }

    /// A new, migrated database for one test.
    static func freshDatabase() async throws -> DatabaseLocation {
        let template = try await ready.value
        let name = "t\(getpid())_\(counter.add(1, ordering: .relaxed).newValue)"
        try await DatabaseBootstrap.createDatabase(template.with(database: name), template: template.database, logger: logger)
        return template.with(database: name)
    }

    /// The cluster's socket directory, for `DATABASE_URL=postgres://loupe@/db?host=DIR`.
    static func databaseURL(_ location: DatabaseLocation) async throws -> String {
        _ = try await ready.value
        let socketDir = cluster.withLock { $0!.socketDirectory }
        return "postgres://loupe@localhost/\(location.database)?host=\(socketDir)"
    }

    static func shutdown() {
        cluster.withLock { $0?.stop() }
        try? FileManager.default.removeItem(atPath: directory)
    }
}
