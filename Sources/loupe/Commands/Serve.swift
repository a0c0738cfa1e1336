import ArgumentParser
import Foundation
import Hummingbird
import LoupeAPI
import LoupeDomain
import LoupeServices
import LoupeStore

/// `loupe serve`: migrate, then serve HTTP until SIGTERM/SIGINT, then drain and stop the embedded cluster.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Run the Loupe HTTP server (applies migrations first).")

    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on.") var port = 8080
    @Option(name: .customLong("webhook-allow-cidr"),
            help: "Allow webhook/callback destinations in this range (e.g. 127.0.0.0/8); repeatable. Adds to LOUPE_WEBHOOK_ALLOW_CIDRS.")
    var webhookAllowCIDRs: [String] = []
    @Option(help: "The URL people reach Loupe at (LOUPE_PUBLIC_URL); https makes session cookies Secure.") var publicURL: String?
    @Option(help: "Require 'Authorization: Bearer TOKEN' on /metrics (LOUPE_METRICS_TOKEN).") var metricsToken: String?
    @Option(help: "Serve the web UI from this directory instead of the copy built into the binary (for UI work).")
    var webStatic: String?
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let logger = Logs.make("loupe")
        let session = try await database.open(exclusive: true, logger: logger)
        let env = ProcessInfo.processInfo.environment
        var configuration = ServeConfiguration(host: host, port: port, webStatic: webStatic.map { .directory($0) } ?? .embedded)
        if let v = env["LOUPE_MAX_BODY_BYTES"].flatMap(Int.init) { configuration.limits.maxBytes = v }
        if let v = env["LOUPE_MAX_BATCH_BYTES"].flatMap(Int.init) { configuration.limits.maxBatchBytes = v }
        if let v = env["LOUPE_MAX_CONCURRENT_BATCHES"].flatMap(Int.init), v > 0 { configuration.limits.maxConcurrentBatches = v }
        if let v = env["LOUPE_BATCH_QUEUE"].flatMap(Int.init), v >= 0 { configuration.limits.batchQueue = v }
        if let v = env["LOUPE_DB_POOL_SIZE"].flatMap(Int.init) { configuration.maxConnections = v }
        if let v = env["LOUPE_REQUEST_DEADLINE_S"].flatMap(Double.init), v > 0 { configuration.limits.requestDeadlineSeconds = v }
        if let v = env["LOUPE_BCRYPT_COST"].flatMap(UInt8.init) { configuration.bcryptCost = v }
        if let v = env["LOUPE_WEBHOOK_RETRY_BASE_MS"].flatMap(Double.init) { configuration.webhooks.retry.base = v / 1000 }
        if let v = env["LOUPE_WEBHOOK_MAX_AGE_S"].flatMap(Double.init) { configuration.webhooks.retry.maxAge = v }
        if let v = env["LOUPE_WEBHOOK_BREAKER_OPEN_S"].flatMap(Double.init) { configuration.webhooks.breaker.baseOpen = v }
        configuration.security = try securitySettings(env)
        if let v = env["LOUPE_HEADER_TIMEOUT_S"].flatMap(Double.init), v > 0 { configuration.connections.headerTimeout = .milliseconds(Int64(v * 1000)) }
        if let v = env["LOUPE_IDLE_TIMEOUT_S"].flatMap(Double.init), v > 0 { configuration.connections.idleTimeout = .milliseconds(Int64(v * 1000)) }
        if let v = env["LOUPE_MAX_CONNECTIONS"].flatMap(Int.init), v > 0 { configuration.connections.maxConnections = v }
        if let v = env["LOUPE_STALL_TIMEOUT_S"].flatMap(Double.init), v > 0 { configuration.connections.stallTimeout = .milliseconds(Int64(v * 1000)) }
        if let v = env["LOUPE_MAX_WAITERS"].flatMap(Int.init), v > 0 { configuration.maxWaiters = v }
        if let v = env["LOUPE_EMBEDDING_MEMORY_MB"].flatMap(Int.init), v > 0 { configuration.embeddingMemoryBytes = v << 20 }
        if let v = env["LOUPE_MAX_EVENT_STREAMS"].flatMap(Int.init), v > 0 { configuration.waiting.maxStreams = v }
        if let v = env["LOUPE_EVENT_RETENTION_HOURS"].flatMap(Double.init) { configuration.eventRetention = .seconds(max(24, v) * 3600) }
        if let v = env["LOUPE_DEADLINE_INTERVAL_MS"].flatMap(Int64.init), v > 0 { configuration.deadlineInterval = .milliseconds(v) }
        if let v = env["LOUPE_DRIFT_INTERVAL_MS"].flatMap(Int64.init), v > 0 { configuration.driftInterval = .milliseconds(v) }
        if let v = env["LOUPE_RETENTION_INTERVAL_S"].flatMap(Double.init), v > 0 { configuration.retentionInterval = .milliseconds(Int64(v * 1000)) }
        let wait = env["LOUPE_DB_WAIT_MS"].flatMap(Int64.init).map { Duration.milliseconds(max(1, $0)) } ?? .seconds(2)
        let replica = try env["DATABASE_READ_URL"].flatMap { $0.isEmpty ? nil : $0 }.map {
            ReadReplica(location: try DatabaseLocation(url: $0), maxLag: env["LOUPE_REPLICA_MAX_LAG_S"].flatMap(Double.init) ?? 10)
        }
        let store = PostgresStore(location: session.location, expectedMigration: session.latestMigration,
                                  maxConnections: configuration.maxConnections, connectionWait: wait, replica: replica, logger: logger)
        let app = LoupeApplication.build(store: store, configuration: configuration, logger: logger)
        do {
            try await app.runService()
        } catch {
            session.close()
            throw error
        }
        session.close()
    }

    func securitySettings(_ env: [String: String]) throws -> SecuritySettings {
        var security = SecuritySettings()
        let allow = CIDR.list(([env["LOUPE_WEBHOOK_ALLOW_CIDRS"] ?? ""] + webhookAllowCIDRs).joined(separator: ","))
        let proxies = CIDR.list(env["LOUPE_TRUSTED_PROXIES"] ?? "")
        let invalid = allow.invalid + proxies.invalid
        guard invalid.isEmpty else {
            throw ValidationError("not an address range: \(invalid.joined(separator: ", ")) (write e.g. 127.0.0.0/8 or ::1/128)")
        }
        security.destinations = DestinationPolicy(allowed: allow.ranges)
        security.trustedProxies = proxies.ranges
        security.publicURL = publicURL ?? env["LOUPE_PUBLIC_URL"]
        security.metricsToken = metricsToken ?? env["LOUPE_METRICS_TOKEN"]
        security.defaultRateLimit = env["LOUPE_DEFAULT_RATE_LIMIT"].flatMap(Double.init).flatMap { $0 > 0 ? $0 : nil }
        if let v = env["LOUPE_INSTANCES"].flatMap(Int.init), v > 0 { security.instances = v }
        if let v = env["LOUPE_MAX_CONCURRENT_REQUESTS"].flatMap(Int.init), v > 0 { security.maxConcurrentRequests = v }
        return security
    }
}
