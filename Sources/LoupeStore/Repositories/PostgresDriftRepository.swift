import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Drift checks: the audits of each alerting task's window, and the `task_drift` row whose `drifting` flag
/// emits `task.drift` when it flips to true. Every server checks; the flip re-checks the flag on the locked row,
/// so when two servers see the same crossing only one of them writes the event, and a reading older than the one
/// recorded is dropped, so a slow server's stale reading cannot flip the flag back for the next check to raise again.
public struct PostgresDriftRepository: DriftRepository {
    let client: GatedPool
    let logger: Logger

    public func readings(now: Date) async throws -> [DriftReading] {
        let rows = try await client.query("""
            SELECT t.name, t.drift_target_error, t.drift_window_days, coalesce(d.drifting, false), m.n, m.w, m.wrong, m.w2
            FROM tasks t
            LEFT JOIN task_drift d ON d.task = t.name
            CROSS JOIN LATERAL (
                SELECT count(*)::int AS n, coalesce(sum(a.w), 0)::float8 AS w,
                       coalesce(sum(a.w) FILTER (WHERE a.wrong), 0)::float8 AS wrong, coalesce(sum(a.w * a.w), 0)::float8 AS w2
                FROM (SELECT coalesce(1.0 / nullif(i.audit_rate, 0), 1.0) AS w, i.audit_verdict <> 'approve' AS wrong
                      FROM items i
                      WHERE i.task = t.name AND i.auto_approved_at IS NOT NULL AND i.audit_verdict IS NOT NULL
                        AND i.created_at >= \(now)::timestamptz - make_interval(days => t.drift_window_days)) a
            ) m
            WHERE t.drift_target_error IS NOT NULL
            ORDER BY t.name
            """, logger: logger)
        var readings: [DriftReading] = []
        for try await (task, target, days, drifting, n, w, wrong, w2) in rows.decode((String, Double, Int, Bool, Int, Double, Double, Double).self) {
            readings.append(DriftReading(task: task, alert: DriftAlert(targetError: target, windowDays: days), drifting: drifting,
                                         verdicts: n, weight: w, wrongWeight: wrong, weightSquares: w2))
        }
        return readings
    }

    public func record(_ reading: DriftReading, now: Date) async throws -> Bool {
        let estimate = reading.estimate
        _ = try await client.query("""
            INSERT INTO task_drift (task, checked_at, n, error, low, high)
            VALUES (\(reading.task), \(now), \(reading.verdicts), \(estimate?.error), \(estimate?.low), \(estimate?.high))
            ON CONFLICT (task) DO UPDATE SET checked_at = EXCLUDED.checked_at, n = EXCLUDED.n, error = EXCLUDED.error,
                                            low = EXCLUDED.low, high = EXCLUDED.high
            WHERE task_drift.checked_at <= EXCLUDED.checked_at
            """, logger: logger)
        let drifts = reading.drifts
        let details = DriftStatus(drifting: true, since: now, checkedAt: now, estimate: estimate).json(alert: reading.alert)
        // The flag's test is repeated on the locked row: a server that saw the same crossing a moment later finds it
        // flipped already, updates nothing and writes no event.
        let rows = try await client.query("""
            WITH flipped AS (
                UPDATE task_drift SET drifting = \(drifts), changed_at = \(now)
                WHERE task = \(reading.task) AND drifting <> \(drifts) AND checked_at = \(now)
                RETURNING task
            ), raised AS (
                INSERT INTO events (event, task, item_id, actor, at, details)
                SELECT 'task.drift', task, NULL, 'drift', \(now), \(details.sqlText)::jsonb FROM flipped WHERE \(drifts)
                RETURNING 1
            )
            SELECT count(*)::int FROM raised
            """, logger: logger)
        for try await raised in rows.decode(Int.self) { return raised > 0 }
        return false
    }

    public func status(task: String) async throws -> DriftStatus? {
        let rows = try await client.query("""
            SELECT drifting, changed_at, checked_at, n, error, low, high FROM task_drift WHERE task = \(task)
            """, logger: logger)
        for try await (drifting, changed, checked, n, error, low, high) in rows.decode((Bool, Date?, Date?, Int, Double?, Double?, Double?).self) {
            let estimate = error.flatMap { e in low.flatMap { l in high.map { DriftEstimate(n: n, error: e, low: l, high: $0) } } }
            return DriftStatus(drifting: drifting, since: drifting ? changed : nil, checkedAt: checked, estimate: estimate)
        }
        return nil
    }
}
