import Foundation
import Logging
import LoupeDomain
import ServiceLifecycle

/// Folds the rollups' deltas every `interval` on every server (each write appends one delta row per key it touched;
/// folded, a day is about a hundred rows per prompt version and model), and rebuilds a task's field rollup when its
/// schema's leaf fields changed (reads go to the items meanwhile).
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
        await Periodic.run(every: interval, logger: logger, failure: "folding or rebuilding the analytics rollups failed") {
            try await rollups.compact()
            for (task, schema) in try await rollups.staleFieldRollups() {
                let started = ContinuousClock.now
                try await rollups.rebuildFieldRollup(task: task, pointers: SchemaPaths.leaves(schema))
                logger.info("rebuilt the field rollup of task \(task) in \(ContinuousClock.now - started)")
            }
        }
    }
}
