import Foundation
import LoupeDomain
import Logging
import PostgresNIO
import ServiceLifecycle

/// The PostgreSQL-backed repositories over one connection pool.
public final class PostgresStore: Sendable {
    let client: PostgresClient
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
    public let events: PostgresEventRepository
    public let readiness: PostgresReadiness

    /// `connectionWait` bounds how long a query waits for a free connection before the request is refused (503).
    /// `readinessTimeout` bounds `/ready`'s query: an unreachable database must read as "not ready" promptly.
    public init(location: DatabaseLocation, expectedMigration: Int, maxConnections: Int = 20, connectionWait: Duration = .seconds(2),
                readinessTimeout: Double = 2, logger: Logger) {
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = maxConnections
        // A request must fail fast (503) rather than hang while PostgreSQL is away.
        configuration.options.connectTimeout = .seconds(5)
        self.client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        let client = GatedPool(client: self.client, gate: ConnectionGate(places: maxConnections, wait: connectionWait))
        self.location = location
        self.tasks = PostgresTaskRepository(client: client, logger: logger)
        self.items = PostgresItemRepository(client: client, logger: logger)
        self.keys = PostgresAPIKeyRepository(client: client, logger: logger)
        self.review = PostgresReviewRepository(client: client, logger: logger)
        self.users = PostgresUserRepository(client: client, logger: logger)
        self.insights = PostgresInsightsRepository(client: client, logger: logger)
        self.examples = PostgresExampleRepository(client: client, logger: logger)
        self.export = PostgresExportRepository(client: client, logger: logger)
        self.webhooks = PostgresWebhookRepository(client: client, logger: logger)
        self.deadlines = PostgresDeadlineRepository(client: client, logger: logger)
        self.events = PostgresEventRepository(client: client, logger: logger)
        self.readiness = PostgresReadiness(client: self.client, expected: expectedMigration, timeout: readinessTimeout, logger: logger)
    }

    /// The pool's run loop; it must run (as a service) for any query to be served.
    public var service: any Service { client }
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
