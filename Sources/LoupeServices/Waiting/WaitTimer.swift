import Logging
import LoupeDomain
import ServiceLifecycle

/// Ends blocking waits whose time is up, for every waiter of this server at once (a task per waiter would
/// cost more memory than the waiter itself).
public struct WaitTimer: Service {
    let waiters: DecisionWaiters
    let interval: Duration
    let logger: Logger

    public init(waiters: DecisionWaiters, interval: Duration = .milliseconds(50), logger: Logger) {
        self.waiters = waiters
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: interval, logger: logger, failure: "wait timer failed") { waiters.expire() }
    }
}
