import Foundation
import Logging
import LoupeDomain
import ServiceLifecycle

/// Folds the risk–coverage rollup's deltas every `interval` on every server (each write appends one delta row per
/// key it touched; folded, a day is about a hundred rows per prompt version and model).
public struct RollupCompactor: Service {
    let rollups: any RollupRepository
    let interval: Duration
    let logger: Logger

    public init(rollups: any RollupRepository, interval: Duration = .seconds(60), logger: Logger) {
        self.rollups = rollups
        self.interval = interval
        self.logger = logger
    }

    public func run() async throws {
        await Periodic.run(every: interval, logger: logger, failure: "folding the risk–coverage rollup failed") {
            try await rollups.compact()
        }
    }
}
