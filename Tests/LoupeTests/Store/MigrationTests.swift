import Foundation
import LoupeServices
import LoupeStore
import Testing

@Suite struct MigrationTests {
    /// A copy of the real migrations in a temp directory, so a test can edit one.
    func copiedMigrations() throws -> String {
        let dir = NSTemporaryDirectory() + "loupe-migrations-\(UUID().uuidString)"
        try FileManager.default.copyItem(atPath: TestCluster.home + "/migrations", toPath: dir)
        return dir
    }

    @Test func concurrentMigratorsApplyEachFileOnce() async throws {
        let template = try await TestCluster.freshDatabase()
        let location = template.with(database: template.database + "_m")
        try await DatabaseBootstrap.ensureDatabase(location, logger: TestCluster.logger)
        let migrator = try Migrator(logger: TestCluster.logger)
        let applied = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<4 { group.addTask { try await migrator.migrate(location) } }
            return try await group.reduce(into: []) { $0 += $1 }
        }
        #expect(applied.count == migrator.latestVersion, "each file applied exactly once across racing migrators: \(applied)")
        #expect(try await migrator.migrate(location).isEmpty)
    }

    /// Issue 16: the binary carries its migrations; they are exactly the checkout's files.
    @Test func theBinaryCarriesEveryMigrationOfTheCheckout() throws {
        let embedded = try MigrationFile.embedded(), onDisk = try MigrationFile.load(from: TestCluster.home + "/migrations")
        #expect(embedded.count == onDisk.count && embedded.count >= 15)
        #expect(embedded.map(\.name) == onDisk.map(\.name))
        #expect(embedded.map(\.checksum) == onDisk.map(\.checksum))
    }

    @Test func anEditedAppliedMigrationIsAStartupError() async throws {
        let location = try await TestCluster.freshDatabase()
        let dir = try copiedMigrations()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let file = dir + "/0001_foundation.sql"
        try (try String(contentsOfFile: file, encoding: .utf8) + "\n-- edited\n").write(toFile: file, atomically: true, encoding: .utf8)
        await #expect {
            try await Migrator(directory: dir, logger: TestCluster.logger).migrate(location)
        } throws: { error in
            "\(error)".contains("0001_foundation.sql was edited after it was applied")
        }
    }

    @Test func badlyNamedFilesAreRefused() throws {
        let dir = try copiedMigrations()
        defer { try? FileManager.default.removeItem(atPath: dir) }
        // One number past the next: a gap in the sequence, whatever the latest migration is.
        let gap = String(format: "%04d_gap.sql", TestCluster.latestMigration + 2)
        try "SELECT 1;".write(toFile: dir + "/" + gap, atomically: true, encoding: .utf8)
        #expect(throws: StoreError.self) { try Migrator(directory: dir, logger: TestCluster.logger) }
    }
}

@Suite struct EmbeddedClusterTests {
    @Test func aSecondOwnerOfTheDataDirectoryIsRefused() async throws {
        _ = try await TestCluster.freshDatabase()
        #expect {
            try EmbeddedCluster.open(dataDirectory: TestCluster.directory, attachIfOwned: false, logger: TestCluster.logger)
        } throws: { error in
            "\(error)".contains("already using the data directory")
        }
        // The CLI attaches to a running owner instead.
        let attached = try EmbeddedCluster.open(dataDirectory: TestCluster.directory, attachIfOwned: true, logger: TestCluster.logger)
        #expect(!attached.isOwner)
    }
}
