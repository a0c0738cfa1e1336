import LoupeDomain
import ServiceLifecycle

/// Ends blocking waits whose time is up, for every waiter of this server at once (a task per waiter would
/// cost more memory than the waiter itself).
public struct WaitTimer: Service {
    let waiters: DecisionWaiters
    let interval: Duration

    public init(waiters: DecisionWaiters, interval: Duration = .milliseconds(50)) {
        self.waiters = waiters
        self.interval = interval
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                waiters.expire()
                try await Task.sleep(for: interval)
            }
        }
    }
}
