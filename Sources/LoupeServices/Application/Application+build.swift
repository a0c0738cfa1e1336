import Hummingbird
import Logging
import LoupeAPI
import LoupeDomain
import LoupeStore

/// How `loupe serve` listens and what it allows.
public struct ServeConfiguration: Sendable {
    public var host: String
    public var port: Int
    public var home: String
    public var limits: BodyLimits
    public var maxConnections: Int
    /// bcrypt cost for new passwords; 12 takes ≈ 250 ms, tests use less.
    public var bcryptCost: UInt8
    public var leaseRescueInterval: Duration
    public var webhooks = WebhookDispatcher.Settings()
    /// Public URL, trusted proxies, allowed webhook destinations, metrics token, sign-in limits.
    public var security = SecuritySettings()
    /// Header and idle timeouts, and the cap on open connections.
    public var connections = ConnectionLimits()

    public init(host: String = "127.0.0.1", port: Int = 8080, home: String, limits: BodyLimits = .init(), maxConnections: Int = 20,
                bcryptCost: UInt8 = 12, leaseRescueInterval: Duration = .seconds(1)) {
        self.host = host
        self.port = port
        self.home = home
        self.limits = limits
        self.maxConnections = maxConnections
        self.bcryptCost = bcryptCost
        self.leaseRescueInterval = leaseRescueInterval
    }
}

/// Composes store, router and services into the Loupe application.
public enum LoupeApplication {
    public static func dependencies(store: PostgresStore, configuration: ServeConfiguration,
                                    clock: any LoupeClock = SystemClock()) -> APIDependencies {
        var deps = APIDependencies(
            tasks: store.tasks, items: store.items, keys: store.keys, review: store.review, users: store.users, insights: store.insights,
            examples: store.examples, export: store.export, webhooks: store.webhooks,
            passwords: PasswordHasher(cost: configuration.bcryptCost,
                                      capacity: configuration.security.passwordWorkers + configuration.security.passwordQueue),
            readiness: store.readiness, clock: clock, limits: configuration.limits, classifyError: StoreErrorClassifier.problem(for:),
            staticDirectory: LoupeHome.webStatic(configuration.home))
        deps.security = configuration.security
        return deps
    }

    public static func build(store: PostgresStore, configuration: ServeConfiguration, clock: any LoupeClock = SystemClock(),
                             logger: Logger) -> some ApplicationProtocol {
        let router = LoupeRouter.build(dependencies(store: store, configuration: configuration, clock: clock))
        let wakeups = DeliveryWakeups(location: store.location, logger: logger)
        var webhookSettings = configuration.webhooks
        if webhookSettings.destinations == nil { webhookSettings.destinations = configuration.security.destinations }
        return Application(
            router: router,
            server: GuardedHTTP1.builder(limits: configuration.connections, extraHandlers: { [FlushBeforeClose()] }),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Loupe"),
            services: [store.service,
                       LeaseRescuer(review: store.review, clock: clock, interval: configuration.leaseRescueInterval, logger: logger),
                       wakeups,
                       WebhookDispatcher(webhooks: store.webhooks, items: store.items, clock: clock, wakeups: wakeups.signals,
                                         settings: webhookSettings, logger: logger)],
            logger: logger)
    }
}
