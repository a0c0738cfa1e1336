import Foundation
import Logging
import LoupeDomain
import PostgresNIO
import ServiceLifecycle

/// The server's one LISTEN connection: `loupe_deliveries` wakes the webhook dispatcher at commit time,
/// `loupe_decided` (comma-separated item ids) wakes blocking waits on those items. Reconnects after
/// failures; after any gap every waiter reads its item again, since notifications may have been missed.
public final class DatabaseSignals: Service, Sendable {
    let location: DatabaseLocation
    let waiters: DecisionWaiters
    let logger: Logger
    /// One element per burst of new deliveries (coalesced).
    public let deliveries: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init(location: DatabaseLocation, waiters: DecisionWaiters, logger: Logger) {
        self.location = location
        self.waiters = waiters
        self.logger = logger
        (deliveries, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.location.withConnection(logger: self.logger) { connection in
                        try await connection.listen(on: "loupe_deliveries") { deliveries in
                            try await connection.listen(on: "loupe_decided") { decided in
                                // Catch up on anything committed while not listening.
                                self.continuation.yield()
                                self.waiters.recheckAll()
                                try await withThrowingTaskGroup(of: Void.self) { group in
                                    group.addTask { for try await _ in deliveries { self.continuation.yield() } }
                                    group.addTask {
                                        for try await note in decided { self.waiters.decided(Self.ids(note.payload)) }
                                    }
                                    try await group.next()
                                    group.cancelAll()
                                }
                            }
                        }
                    }
                } catch {
                    if Task.isCancelled { break }
                    self.logger.warning("LISTEN connection lost; webhooks poll and waits re-check until it is back: \(error)")
                    try? await Task.sleep(for: .seconds(2))
                }
            }
        }
        continuation.finish()
    }

    static func ids(_ payload: String) -> [UUID] {
        payload.split(separator: ",").compactMap { UUID(uuidString: String($0)) }
    }
}
