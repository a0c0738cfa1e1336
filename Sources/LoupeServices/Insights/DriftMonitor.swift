import Foundation
import Logging
import LoupeDomain
import LoupeAPI
import ServiceLifecycle

/// Checks every task with a drift alert, every `interval`, on every server: the error among the window's
/// audited auto-approvals against the task's target. The store flips a task's flag on the locked row, so a
/// crossing seen by several servers still raises one `task.drift`.
public struct DriftMonitor: Service {
    let drift: any DriftRepository
    let clock: any LoupeClock
    let interval: Duration
    let logger: Logger

    public init(drift: any DriftRepository, clock: any LoupeClock, interval: Duration = .seconds(60), logger: Logger) {
        self.drift = drift
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: interval, logger: logger, failure: "drift check failed") {
            let now = clock.now()
            for reading in try await drift.readings(now: now) {
                guard try await drift.record(reading, now: now) else { continue }
                let estimate = reading.estimate
                logger.warning("task drift: the error among auto-approvals rose above the target", metadata: [
                    "task": "\(reading.task)", "target_error": "\(reading.alert.targetError)",
                    "error_low": "\(estimate?.low ?? 0)", "audits": "\(reading.verdicts)"])
            }
            // `loupe_drift_checks_total`: operators see the monitor is alive, tests wait on it.
            LoupeMetrics.shared.driftChecked()
        }
    }
}
