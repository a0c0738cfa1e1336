import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// Decides once a second whether reads may go to the replica: it must answer within `timeout` and trail the
/// primary by at most `maxLag` seconds. Each change is logged, so an operator sees when reads move and why.
struct ReplicaMonitor: Service {
    let primary: PostgresClient
    let replica: PostgresClient
    let health: ReplicaHealth
    let maxLag: TimeInterval
    let interval: Duration
    let logger: Logger

    func run() async throws {
        var lag = ReplicaLag(window: max(60, maxLag * 4))
        var usable: Bool?  // nil until the first check, which is always logged
        while !Task.isCancelled {
            let verdict: String?  // nil: usable; else why not
            do {
                let now = Date()
                if let lsn = try await Self.lsn(primary, "SELECT pg_current_wal_lsn()::text", logger) { lag.record(primary: lsn, at: now) }
                let replayed = try await withTimeout(seconds: 2) { [replica, logger] in
                    // A server that is not in recovery (a primary) has replayed everything it has.
                    try await Self.lsn(replica, "SELECT coalesce(pg_last_wal_replay_lsn(), pg_current_wal_lsn())::text", logger)
                }
                let behind = lag.seconds(replayed: replayed ?? 0, now: Date())
                verdict = behind <= maxLag ? nil : "it trails the primary by \(Int(behind)) s (LOUPE_REPLICA_MAX_LAG_S is \(Int(maxLag)))"
            } catch {
                verdict = "it does not answer (\(error))"
            }
            if verdict == nil ? usable != true : usable != false {
                usable = verdict == nil
                health.usable.store(verdict == nil, ordering: .relaxed)
                if let verdict {
                    logger.warning("read replica not used: \(verdict); reads go to the primary")
                } else {
                    logger.notice("read replica in use: exports, stats, lists and history read from it")
                }
            }
            do { try await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) } } catch { return }
        }
    }

    static func lsn(_ client: PostgresClient, _ sql: String, _ logger: Logger) async throws -> UInt64? {
        for try await text in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(String.self) {
            return ReplicaLag.parse(text)
        }
        return nil
    }
}
