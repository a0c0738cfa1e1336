import Hummingbird
import Logging
import LoupeAPI
import LoupeDomain
import LoupeStore
import ServiceLifecycle

/// How `loupe serve` listens and what it allows.
public struct ServeConfiguration: Sendable {
    public var host: String
    public var port: Int
    /// Where the web UI comes from: the copy built into the binary, or a directory (`--web-static`, for UI work).
    public var webStatic: WebStatic
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
    /// Blocking waits and event streams.
    public var waiting = WaitingSettings()
    public var maxWaiters = 10_000
    /// The first-run setup link (open until an admin account exists).
    public var setup = FirstRunSetup()
    /// Memory all in-memory embedding indexes may hold together (LOUPE_EMBEDDING_MEMORY_MB).
    public var embeddingMemoryBytes = 1 << 30
    /// How long the event log keeps events (at least 24 h is promised).
    public var eventRetention: Duration = .seconds(72 * 3600)
    public var deadlineInterval: Duration = .seconds(1)
    /// How often every server checks the tasks with a drift alert.
    public var driftInterval: Duration = .seconds(60)
    /// How often the retention service looks for decided items past their task's `retention_days`.
    public var retentionInterval: Duration = .seconds(300)

    public init(host: String = "127.0.0.1", port: Int = 8080, webStatic: WebStatic = .embedded, limits: BodyLimits = .init(),
                maxConnections: Int = 20, bcryptCost: UInt8 = 12, leaseRescueInterval: Duration = .seconds(1)) {
        self.host = host
        self.port = port
        self.webStatic = webStatic
        self.limits = limits
        self.maxConnections = maxConnections
        self.bcryptCost = bcryptCost
        self.leaseRescueInterval = leaseRescueInterval
    }
}

/// Composes store, router and services into the Loupe application.
public enum LoupeApplication {
    public static func dependencies(store: PostgresStore, configuration: ServeConfiguration, clock: any LoupeClock = SystemClock(),
                                    waiters: DecisionWaiters = DecisionWaiters(capacity: 10_000),
                                    vectors: ExampleVectors? = nil) -> APIDependencies {
        var deps = APIDependencies(
            tasks: store.tasks, items: store.items, keys: store.keys, review: store.review, users: store.users, insights: store.insights,
            examples: store.examples, export: store.export, webhooks: store.webhooks,
            passwords: PasswordHasher(cost: configuration.bcryptCost,
                                      capacity: configuration.security.passwordWorkers + configuration.security.passwordQueue),
            readiness: store.readiness, clock: clock, limits: configuration.limits, classifyError: StoreErrorClassifier.problem(for:),
            webStatic: configuration.webStatic)
        deps.security = configuration.security
        deps.events = store.events
        deps.drift = store.drift
        deps.people = store.users
        deps.comments = store.comments
        deps.bulk = store.bulk
        deps.consensus = store.review
        deps.gold = store.gold
        deps.erasure = store.erasure
        deps.waiters = waiters
        deps.waiting = configuration.waiting
        deps.vectors = vectors ?? ExampleVectors(limitBytes: configuration.embeddingMemoryBytes)
        deps.setup = configuration.setup
        return deps
    }

    /// `traced` wraps each background service with its name (tests use it to name one that does not stop).
    public static func build(store: PostgresStore, configuration: ServeConfiguration, clock: any LoupeClock = SystemClock(),
                             logger: Logger,
                             traced: @Sendable (String, any Service) -> any Service = { $1 }) -> some ApplicationProtocol {
        let waiters = DecisionWaiters(capacity: configuration.maxWaiters)
        let vectors = ExampleVectors(limitBytes: configuration.embeddingMemoryBytes)
        let router = LoupeRouter.build(dependencies(store: store, configuration: configuration, clock: clock, waiters: waiters,
                                                    vectors: vectors))
        let signals = DatabaseSignals(location: store.location, waiters: waiters, vectors: vectors, logger: logger)
        var webhookSettings = configuration.webhooks
        if webhookSettings.destinations == nil { webhookSettings.destinations = configuration.security.destinations }
        return Application(
            router: router,
            server: GuardedHTTP1.builder(limits: configuration.connections, extraHandlers: { [FlushBeforeClose()] }),
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Loupe"),
            services: (store.services.enumerated().map { traced("database pool \($0.offset)", $0.element) }) + [
                       traced("lease rescuer", LeaseRescuer(review: store.review, clock: clock, interval: configuration.leaseRescueInterval, logger: logger)),
                       traced("first run", FirstRunNotice(users: store.users, setup: configuration.setup,
                                                          publicURL: configuration.security.publicURL,
                                                          listening: "http://\(configuration.host):\(configuration.port)", logger: logger)),
                       traced("LISTEN", signals), traced("wait timer", WaitTimer(waiters: waiters, logger: logger)),
                       traced("webhook dispatcher", WebhookDispatcher(webhooks: store.webhooks, items: store.items, clock: clock,
                                                                      wakeups: signals.deliveries, settings: webhookSettings, logger: logger)),
                       traced("deadlines", DeadlineService(deadlines: store.deadlines, clock: clock, interval: configuration.deadlineInterval,
                                                           logger: logger)),
                       traced("rollup compactor", RollupCompactor(rollups: store.rollups, logger: logger)),
                       traced("drift monitor", DriftMonitor(drift: store.drift, clock: clock, interval: configuration.driftInterval,
                                                            logger: logger)),
                       traced("event retention", EventRetention(events: store.events, clock: clock, retention: configuration.eventRetention,
                                                                logger: logger)),
                       traced("retention", RetentionService(erasure: store.erasure, clock: clock, interval: configuration.retentionInterval,
                                                            logger: logger))],
            logger: logger)
    }
}
