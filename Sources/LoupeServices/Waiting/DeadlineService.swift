import Foundation
import Logging
import LoupeDomain
import ServiceLifecycle

/// Decides or escalates items whose deadline passed, every `interval`, on every server; the store's
/// SKIP LOCKED pick hands each item to exactly one of them.
public struct DeadlineService: Service {
    let deadlines: any DeadlineRepository
    let clock: any LoupeClock
    let interval: Duration
    let logger: Logger

    public init(deadlines: any DeadlineRepository, clock: any LoupeClock, interval: Duration = .seconds(1), logger: Logger) {
        self.deadlines = deadlines
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: interval, logger: logger, failure: "deadline pass failed") {
            // A full pass means more are due: go again at once rather than after the interval.
            var outcome: DeadlineOutcome
            repeat {
                outcome = try await deadlines.expire(now: clock.now(), limit: 500)
                if outcome.total > 0 {
                    logger.info("deadlines passed", metadata: ["rejected": "\(outcome.rejected)", "approved": "\(outcome.approved)",
                                                               "escalated": "\(outcome.escalated)"])
                }
            } while outcome.total == 500 && !Task.isCancelled
        }
    }
}
