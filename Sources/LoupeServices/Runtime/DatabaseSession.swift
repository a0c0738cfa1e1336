import Foundation
import Logging
import LoupeStore

/// An open, migrated database: `DATABASE_URL` if set, otherwise the embedded cluster under the data directory.
public final class DatabaseSession: Sendable {
    public let location: DatabaseLocation
    public let cluster: EmbeddedCluster?
    public let latestMigration: Int

    private init(location: DatabaseLocation, cluster: EmbeddedCluster?, latestMigration: Int) {
        self.location = location
        self.cluster = cluster
        self.latestMigration = latestMigration
    }

    /// Opens and migrates. With `exclusive`, a data directory already owned by another process is an error
    /// (`serve`); otherwise the CLI attaches to the running server's cluster.
    /// Without `migrate`, the database is only created if missing (`loupe restore` migrates after restoring).
    public static func open(databaseURL: String?, dataDirectory: String, exclusive: Bool, migrate: Bool = true,
                            logger: Logger) async throws -> DatabaseSession {
        let migrator = try Migrator(logger: logger)
        let location: DatabaseLocation
        var cluster: EmbeddedCluster?
        if let databaseURL, !databaseURL.isEmpty {
            location = try DatabaseLocation(url: databaseURL)
        } else {
            let embedded = try EmbeddedCluster.open(dataDirectory: dataDirectory, attachIfOwned: !exclusive, logger: logger)
            cluster = embedded
            location = embedded.location
        }
        do {
            try await DatabaseBootstrap.ensureDatabase(location, logger: logger)
            let applied = migrate ? try await migrator.migrate(location) : []
            if !applied.isEmpty { logger.info("migrations applied", metadata: ["files": .string(applied.joined(separator: ", "))]) }
        } catch {
            cluster?.stop()
            throw error
        }
        return DatabaseSession(location: location, cluster: cluster, latestMigration: migrator.latestVersion)
    }

    /// Stops the embedded cluster if this process started it.
    public func close() { cluster?.stop() }
}
