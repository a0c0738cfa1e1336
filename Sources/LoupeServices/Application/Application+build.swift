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

    public init(host: String = "127.0.0.1", port: Int = 8080, home: String, limits: BodyLimits = .init(), maxConnections: Int = 20) {
        self.host = host
        self.port = port
        self.home = home
        self.limits = limits
        self.maxConnections = maxConnections
    }
}

/// Composes store, router and services into the Loupe application.
public enum LoupeApplication {
    public static func dependencies(store: PostgresStore, configuration: ServeConfiguration,
                                    clock: any LoupeClock = SystemClock()) -> APIDependencies {
        APIDependencies(tasks: store.tasks, items: store.items, keys: store.keys, readiness: store.readiness, clock: clock,
                        limits: configuration.limits, classifyError: StoreErrorClassifier.problem(for:),
                        staticDirectory: LoupeHome.webStatic(configuration.home))
    }

    public static func build(store: PostgresStore, configuration: ServeConfiguration, clock: any LoupeClock = SystemClock(),
                             logger: Logger) -> some ApplicationProtocol {
        let router = LoupeRouter.build(dependencies(store: store, configuration: configuration, clock: clock))
        return Application(
            router: router,
            configuration: .init(address: .hostname(configuration.host, port: configuration.port), serverName: "Loupe"),
            services: [store.service],
            logger: logger)
    }
}
