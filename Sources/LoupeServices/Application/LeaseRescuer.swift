import Foundation
import Logging
import LoupeDomain
import ServiceLifecycle

/// Returns expired leases to the queue every `interval`, so an item a reviewer walked away from is
/// offered again; several servers may run it at once (the query skips rows another one holds).
public struct LeaseRescuer: Service {
    let review: any ReviewRepository
    let clock: any LoupeClock
    let interval: Duration
    let logger: Logger

    public init(review: any ReviewRepository, clock: any LoupeClock, interval: Duration = .seconds(1), logger: Logger) {
        self.review = review
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        // Graceful shutdown cancels the loop; that is a normal end, not a failure of the service.
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    let expired = try await review.expireLeases(now: clock.now())
                    if expired > 0 { logger.info("returned expired leases to the queue", metadata: ["count": "\(expired)"]) }
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("lease rescue failed; retrying: \(error)")
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
