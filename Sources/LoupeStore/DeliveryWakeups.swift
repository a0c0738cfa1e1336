import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// LISTENs on `loupe_deliveries` over its own connection and signals each notification, reconnecting
/// after failures, so dispatchers send at commit time rather than at the next poll.
public final class DeliveryWakeups: Service, Sendable {
    let location: DatabaseLocation
    let logger: Logger
    public let signals: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation

    public init(location: DatabaseLocation, logger: Logger) {
        self.location = location
        self.logger = logger
        (signals, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.location.withConnection(logger: self.logger) { connection in
                        let notifications = try await connection.listen("loupe_deliveries")
                        self.continuation.yield()  // catch up on anything committed while not listening
                        for try await _ in notifications { self.continuation.yield() }
                    }
                } catch {
                    if Task.isCancelled { break }
                    self.logger.warning("webhook LISTEN connection lost; polling until it is back: \(error)")
                    try? await Task.sleep(for: .seconds(2))
                }
            }
        }
        continuation.finish()
    }
}
