import Foundation
import LoupeDomain
import Logging
import PostgresNIO
import ServiceLifecycle

/// A streaming replica for reads that may be slightly stale (`DATABASE_READ_URL`).
public struct ReadReplica: Sendable {
    public var location: DatabaseLocation
    /// Reads go back to the primary while the replica trails it by more than this.
    public var maxLag: TimeInterval
    public init(location: DatabaseLocation, maxLag: TimeInterval = 10) {
        self.location = location
        self.maxLag = maxLag
    }
}

/// The PostgreSQL-backed repositories over one connection pool (and a replica's, for some reads).
public final class PostgresStore: Sendable {
    let client: PostgresClient
    let replicaServices: [any Service]
    public let location: DatabaseLocation
    public let tasks: PostgresTaskRepository
    public let items: PostgresItemRepository
    public let keys: PostgresAPIKeyRepository
    public let review: PostgresReviewRepository
    public let users: PostgresUserRepository
    public let insights: PostgresInsightsRepository
    public let examples: PostgresExampleRepository
    public let export: PostgresExportRepository
    public let webhooks: PostgresWebhookRepository
    public let deadlines: PostgresDeadlineRepository
    public let drift: PostgresDriftRepository
    public let rollups: PostgresRollupRepository
    public let comments: PostgresCommentRepository
    public let bulk: PostgresBulkApprovalRepository
    public let gold: PostgresGoldRepository
    public let events: PostgresEventRepository
    public let erasure: PostgresErasureRepository
    public let readiness: PostgresReadiness

    /// `connectionWait` bounds how long a query waits for a free connection before the request is refused (503).
    /// `readinessTimeout` bounds `/ready`'s query: an unreachable database must read as "not ready" promptly.
    public init(location: DatabaseLocation, expectedMigration: Int, maxConnections: Int = 20, connectionWait: Duration = .seconds(2),
                readinessTimeout: Double = 2, replica: ReadReplica? = nil, logger: Logger) {
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = maxConnections
        // A request must fail fast (503) rather than hang while PostgreSQL is away.
        configuration.options.connectTimeout = .seconds(5)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let client = GatedPool(client: self.client, gate: ConnectionGate(places: maxConnections, wait: connectionWait))
        var reads = ReadPool(primary: client)
        if let replica {
            var replicaConfiguration = replica.location.clientConfiguration
            replicaConfiguration.options.maximumConnections = maxConnections
            replicaConfiguration.options.connectTimeout = .seconds(2)
            let replicaClient = PostgresClient(configuration: replicaConfiguration, backgroundLogger: logger)
            reads = ReadPool(primary: client, replica: GatedPool(client: replicaClient, gate: ConnectionGate(places: maxConnections, wait: connectionWait)))
            self.replicaServices = [replicaClient, ReplicaMonitor(primary: self.client, replica: replicaClient, health: reads.health,
                                                                  maxLag: replica.maxLag, interval: .seconds(1), logger: logger)]
        } else {
            self.replicaServices = []
        }
        self.location = location
        self.tasks = PostgresTaskRepository(client: client, logger: logger)
        self.items = PostgresItemRepository(client: client, reads: reads, logger: logger)
        self.keys = PostgresAPIKeyRepository(client: client, logger: logger)
        self.review = PostgresReviewRepository(client: client, reads: reads, logger: logger)
        self.users = PostgresUserRepository(client: client, logger: logger)
        self.insights = PostgresInsightsRepository(client: reads, logger: logger)
        self.examples = PostgresExampleRepository(client: client, logger: logger)
        self.export = PostgresExportRepository(client: reads, logger: logger)
        self.webhooks = PostgresWebhookRepository(client: client, logger: logger)
        self.deadlines = PostgresDeadlineRepository(client: client, logger: logger)
        self.drift = PostgresDriftRepository(client: client, logger: logger)
        self.rollups = PostgresRollupRepository(client: client, logger: logger)
        self.comments = PostgresCommentRepository(client: client, logger: logger)
        self.bulk = PostgresBulkApprovalRepository(client: client, logger: logger)
        self.gold = PostgresGoldRepository(client: client, logger: logger)
        self.erasure = PostgresErasureRepository(client: client, logger: logger)
        self.events = PostgresEventRepository(client: client, logger: logger)
        self.readiness = PostgresReadiness(client: self.client, expected: expectedMigration, timeout: readinessTimeout, logger: logger)
    }

    /// The pool's run loop; it must run (as a service) for any query to be served.
    public var service: any Service { client }

    /// With a read replica: its pool and its monitor, to run beside `service`.
    public var services: [any Service] { [client] + replicaServices }
}

/// `/ready`: the database answers and carries every migration this build knows.
public struct PostgresReadiness: ReadinessProbe {
    let client: PostgresClient
    let expected: Int
    let timeout: Double
    let logger: Logger

    public func problem() async -> String? {
        do {
            let applied = try await withTimeout(seconds: timeout) { try await Migrator.appliedVersion(client, logger: logger) }
            guard let applied else { return "no migrations are applied" }
            return applied >= expected ? nil : "database is at migration \(applied), this build needs \(expected)"
        } catch {
            return "database unreachable: \(error)"
        }
    }
}

/// Runs `body`, giving up after `seconds`.
func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: .seconds(seconds))
            throw StoreError.configuration("timed out after \(seconds)s")
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
