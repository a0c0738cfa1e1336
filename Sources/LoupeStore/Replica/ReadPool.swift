import Logging
import PostgresNIO
import Synchronization

/// Whether the read replica may serve reads now; the monitor sets it, every read checks it.
final class ReplicaHealth: Sendable {
    let usable = Atomic<Bool>(false)
}

/// Where reads that may be slightly stale go (exports, stats, item lists, history): the read replica while the
/// monitor finds it reachable and close enough to the primary, else the primary. Writes, claims and waits never
/// come here: they use the primary's pool directly.
struct ReadPool: Sendable {
    let primary: GatedPool
    let replica: GatedPool?
    let health: ReplicaHealth

    init(primary: GatedPool, replica: GatedPool? = nil, health: ReplicaHealth = ReplicaHealth()) {
        self.primary = primary
        self.replica = replica
        self.health = health
    }

    var current: GatedPool {
        if let replica, health.usable.load(ordering: .relaxed) { return replica }
        return primary
    }

    func query(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try await current.query(query, logger: logger, file: file, line: line)
    }

    func withConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await current.withConnection(body)
    }
}
