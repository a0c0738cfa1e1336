import Foundation
import Logging
import LoupeDomain
import ServiceLifecycle

/// Erases the content of decided items past their task's `retention_days`. Runs on every server; batches are
/// taken with SKIP LOCKED, so servers share the work and each item is erased once.
public struct RetentionService: Service {
    static let batch = 500
    let erasure: any ErasureRepository
    let clock: any LoupeClock
    let interval: Duration
    let logger: Logger

    public init(erasure: any ErasureRepository, clock: any LoupeClock, interval: Duration, logger: Logger) {
        self.erasure = erasure
        self.clock = clock
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: interval, logger: logger, failure: "retention pass failed") {
            var total = 0, erased = 0
            repeat {
                erased = try await erasure.erase(.pastRetention, actor: "system:retention", now: clock.now(), limit: Self.batch).count
                total += erased
            } while erased == Self.batch && !Task.isCancelled
            if total > 0 { logger.info("retention erased item content", metadata: ["items": "\(total)"]) }
        }
    }
}
