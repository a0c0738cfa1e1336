import Foundation
import Hummingbird
import Logging
import LoupeServices
import LoupeStore
import ServiceLifecycle

/// A release `loupe serve` and the framework floor, each in its own process, on one embedded cluster
/// (or `DATABASE_URL`); this process keeps a store and the raw baseline for seeding and the limits.
final class BenchServers: Sendable {
    let session: DatabaseSession
    let store: PostgresStore
    let baseline: RawBaseline
    let loupe: ChildServer
    let floor: ChildServer
    let loupeBinary: String
    let dataDirectory: String
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    init(dataDirectory: String, connections: Int, logger: Logger) async throws {
        session = try await DatabaseSession.open(databaseURL: ProcessInfo.processInfo.environment["DATABASE_URL"],
                                                 dataDirectory: dataDirectory, exclusive: true, logger: logger)
        store = PostgresStore(location: session.location, expectedMigration: session.latestMigration, maxConnections: 8, logger: logger)
        baseline = RawBaseline(location: session.location, connections: connections, logger: logger)
        group = ServiceGroup(configuration: .init(services: [store.service, baseline.service], logger: logger))
        running = Task { [group] in try await group.run() }

        self.dataDirectory = dataDirectory
        let executables = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        let loupeBinary = executables.appendingPathComponent("loupe").path
        self.loupeBinary = loupeBinary
        guard FileManager.default.isExecutableFile(atPath: loupeBinary) else {
            throw BenchError("\(loupeBinary) is missing: build every product first (swift build -c release)")
        }
        let environment = ["DATABASE_URL": session.location.psqlURL, "LOUPE_DB_POOL_SIZE": "\(connections)", "LOG_LEVEL": "info"]
        loupe = try await ChildServer(executable: loupeBinary, arguments: ["serve", "--port", "0", "--data-dir", dataDirectory + "/serve"],
                                      environment: environment, logPath: dataDirectory + "/loupe-serve.log")
        floor = try await ChildServer(executable: CommandLine.arguments[0], arguments: ["--serve-floor"],
                                      environment: environment, logPath: dataDirectory + "/floor.log")
    }

    /// The framework floor: the same HTTP stack, one route inserting the raw body with one statement.
    static func floorApplication(baseline: RawBaseline, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.post("/raw") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            try await baseline.insertOne(task: "bench", body: String(buffer: body))
            return .created
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 0)), logger: logger)
    }

    /// Runs the floor alone until SIGTERM (`loupe-bench --serve-floor`, started by `init`).
    static func serveFloor(connections: Int) async throws {
        var logger = Logger(label: "floor")
        logger.logLevel = .info
        let location = try DatabaseLocation(url: ProcessInfo.processInfo.environment["DATABASE_URL"] ?? "")
        let baseline = RawBaseline(location: location, connections: connections, logger: logger)
        let group = ServiceGroup(configuration: .init(services: [baseline.service, floorApplication(baseline: baseline, logger: logger)],
                                                      gracefulShutdownSignals: [.sigterm, .sigint], logger: logger))
        try await group.run()
    }

    func stop() async {
        await loupe.stop()
        await floor.stop()
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        session.close()
    }
}
