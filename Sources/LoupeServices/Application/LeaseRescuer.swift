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
        await Periodic.run(every: interval, logger: logger, failure: "lease rescue failed") {
            let expired = try await review.expireLeases(now: clock.now())
            if expired > 0 { logger.info("returned expired leases to the queue", metadata: ["count": "\(expired)"]) }
        }
    }
}
