import Foundation
import Hummingbird
import Logging
import LoupeServices
import LoupeStore
import ServiceLifecycle

/// Loupe and the framework floor, in this process, on one embedded cluster (or `DATABASE_URL`).
final class BenchServers: Sendable {
    let session: DatabaseSession
    let store: PostgresStore
    let baseline: RawBaseline
    let loupePort: Int
    let floorPort: Int
    private let group: ServiceGroup
    private let running: Task<Void, any Error>

    init(dataDirectory: String, connections: Int, logger: Logger) async throws {
        let home = LoupeHome.locate()
        session = try await DatabaseSession.open(databaseURL: ProcessInfo.processInfo.environment["DATABASE_URL"],
                                                 dataDirectory: dataDirectory, home: home, exclusive: true, logger: logger)
        store = PostgresStore(location: session.location, expectedMigration: session.latestMigration,
                              maxConnections: connections, logger: logger)
        baseline = RawBaseline(location: session.location, connections: connections, logger: logger)
        loupePort = Int.random(in: 30_000...40_000)
        floorPort = loupePort + 1
        var configuration = ServeConfiguration(port: loupePort, home: home, maxConnections: connections)
        configuration.bcryptCost = 4
        let loupe = LoupeApplication.build(store: store, configuration: configuration, logger: logger)
        let floor = Self.floor(baseline: baseline, port: floorPort, logger: logger)
        group = ServiceGroup(configuration: .init(services: [baseline.service, loupe, floor], logger: logger))
        running = Task { [group] in try await group.run() }
    }

    /// The framework floor: the same HTTP stack, one route inserting the raw body with one statement.
    static func floor(baseline: RawBaseline, port: Int, logger: Logger) -> some ApplicationProtocol {
        let router = Router()
        router.post("/raw") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            try await baseline.insertOne(task: "bench", body: String(buffer: body))
            return .created
        }
        return Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await running.value
        session.close()
    }
}
