import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// Folds `risk_rollup`'s deltas (migration 0027) into one row per task, day, prompt version, model and percentile,
/// so risk–coverage sums a few rows per day. Safe on several servers at once: each folds the rows it deleted, and sums
/// stay sums.
public struct PostgresRollupRepository: RollupRepository {
    let client: GatedPool
    let logger: Logger

    public func compact() async throws {
        _ = try await client.query("""
            WITH gone AS (DELETE FROM risk_rollup RETURNING *)
            INSERT INTO risk_rollup (task, day, prompt_version, model, bucket, items, verdicts, weight, wrong_weight, weight_squares)
            SELECT task, day, prompt_version, model, bucket, sum(items), sum(verdicts), sum(weight), sum(wrong_weight), sum(weight_squares)
            FROM gone GROUP BY 1, 2, 3, 4, 5
            HAVING sum(items) <> 0 OR sum(verdicts) <> 0
            """, logger: logger)
    }
}
