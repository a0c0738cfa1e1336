import Foundation
import Logging
import LoupeDomain
import ServiceLifecycle

/// Deletes events older than the retention (default 72 h) so the event log stays bounded; streams
/// resuming from an aged-out `Last-Event-ID` start at the oldest kept event.
public struct EventRetention: Service {
    let events: any EventRepository
    let clock: any LoupeClock
    let retention: Duration
    let interval: Duration
    let logger: Logger

    public init(events: any EventRepository, clock: any LoupeClock, retention: Duration, interval: Duration = .seconds(60), logger: Logger) {
        self.events = events
        self.clock = clock
        self.retention = retention
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: interval, logger: logger, failure: "event retention pass failed") {
            let cut = clock.now().addingTimeInterval(-Double(retention.components.seconds))
            var deleted = 0
            repeat { deleted = try await events.purge(before: cut, limit: 5000) } while deleted == 5000 && !Task.isCancelled
        }
    }
}
