import ArgumentParser
import Foundation
import Hummingbird
import LoupeServices
import LoupeStore

/// `loupe serve`: migrate, then serve HTTP until SIGTERM/SIGINT, then drain and stop the embedded cluster.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Loupe HTTP server (applies migrations first).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = Logs.make("loupe")
        let session = try await database.open(exclusive: true, logger: logger)
        let env = ProcessInfo.processInfo.environment
        var configuration = ServeConfiguration(host: host, port: port, home: LoupeHome.locate())
        if let v = env["LOUPE_MAX_BODY_BYTES"].flatMap(Int.init) { configuration.limits.maxBytes = v }
        if let v = env["LOUPE_MAX_BATCH_BYTES"].flatMap(Int.init) { configuration.limits.maxBatchBytes = v }
        if let v = env["LOUPE_DB_POOL_SIZE"].flatMap(Int.init) { configuration.maxConnections = v }
        if let v = env["LOUPE_REQUEST_DEADLINE_S"].flatMap(Double.init), v > 0 { configuration.limits.requestDeadlineSeconds = v }
        if let v = env["LOUPE_BCRYPT_COST"].flatMap(UInt8.init) { configuration.bcryptCost = v }
        if let v = env["LOUPE_WEBHOOK_RETRY_BASE_MS"].flatMap(Double.init) { configuration.webhooks.retry.base = v / 1000 }
        if let v = env["LOUPE_WEBHOOK_MAX_AGE_S"].flatMap(Double.init) { configuration.webhooks.retry.maxAge = v }
        if let v = env["LOUPE_WEBHOOK_BREAKER_OPEN_S"].flatMap(Double.init) { configuration.webhooks.breaker.baseOpen = v }
        let store = PostgresStore(location: session.location, expectedMigration: session.latestMigration,
                                  maxConnections: configuration.maxConnections, logger: logger)
        let app = LoupeApplication.build(store: store, configuration: configuration, logger: logger)
        do {
            try await app.runService()
        } catch {
            session.close()
            throw error
        }
        session.close()
    }
}
