import Foundation
import LoupeDomain
import PostgresNIO

/// Risk–coverage from verdicts: people's on reviewed items (weight 1), audits of auto-approvals (weight 1/audit rate).
/// Whole days come from `risk_rollup` (migration 0027); the window's first, partial day is read from the items.
extension PostgresInsightsRepository {
    public func riskBuckets(task: String, filter: AnalyticsFilter, now: Date) async throws -> [RiskBucket] {
        let since = now.addingTimeInterval(-Double(filter.days) * 86_400)
        let firstDayEnd = Self.firstDayEnd(since)
        let rows = try await client.query("""
            WITH parts AS (
                SELECT r.bucket::int AS bucket, r.items, r.verdicts, r.weight, r.wrong_weight, r.weight_squares
                FROM risk_rollup r
                WHERE r.task = \(task) AND r.day >= (\(firstDayEnd)::timestamptz AT TIME ZONE 'UTC')::date
                    AND (\(filter.promptVersion)::text IS NULL OR r.prompt_version = \(filter.promptVersion))
                    AND (\(filter.model)::text IS NULL OR r.model = \(filter.model))
                UNION ALL
                SELECT least(99, floor(i.confidence * 100))::int, 1, (t.wrong IS NOT NULL)::int,
                       CASE WHEN t.wrong IS NOT NULL THEN t.w ELSE 0 END, CASE WHEN t.wrong THEN t.w ELSE 0 END,
                       CASE WHEN t.wrong IS NOT NULL THEN t.w * t.w ELSE 0 END
                FROM items i, loupe_risk_terms(i.auto_approved_at, i.audit_verdict, i.decided_by, i.decision_action, i.audit_rate) t
                WHERE i.task = \(task) AND i.created_at >= \(since) AND i.created_at < \(firstDayEnd) AND i.gold_id IS NULL
                    AND (\(filter.promptVersion)::text IS NULL OR i.prompt_version = \(filter.promptVersion))
                    AND (\(filter.model)::text IS NULL OR i.model = \(filter.model))
            )
            SELECT bucket, sum(items)::int, sum(verdicts)::int, sum(weight)::float8, sum(wrong_weight)::float8, sum(weight_squares)::float8
            FROM parts
            GROUP BY bucket
            HAVING sum(items) <> 0
            """, logger: logger)
        var buckets: [RiskBucket] = []
        for try await (index, items, verdicts, weight, wrong, squares) in rows.decode((Int, Int, Int, Double, Double, Double).self) {
            // Deltas summed in floating point leave a dust of ±1e-15 where a weight went away entirely.
            buckets.append(RiskBucket(index: index, items: items, verdicts: verdicts, weight: verdicts == 0 ? 0 : weight,
                                      wrongWeight: verdicts == 0 ? 0 : max(0, wrong), weightSquares: verdicts == 0 ? 0 : squares))
        }
        return buckets
    }
}

extension PostgresInsightsRepository {
    /// The end of a window's first UTC day: rollups hold whole days from there on, and the window's first, partial
    /// day is read live, a constant bound so that read is an index range over that day only.
    static func firstDayEnd(_ since: Date) -> Date {
        var utc = Calendar(identifier: .gregorian)
        utc.timeZone = TimeZone(identifier: "UTC")!
        return utc.date(byAdding: .day, value: 1, to: utc.startOfDay(for: since))!
    }
}

/// What-if: the same verdicts and weights, over the items candidate thresholds would auto-approve.
extension PostgresInsightsRepository {
    public func whatIf(task: String, request: WhatIfRequest, now: Date) async throws -> WhatIfOutcome {
        let since = now.addingTimeInterval(-Double(request.days) * 86_400)
        let pointers = request.fieldThresholds.keys.sorted()
        let limits = pointers.map { request.fieldThresholds[$0]! }
        let rows = try await client.query("""
            WITH scope AS (
                SELECT confidence, field_confidence, auto_approved_at IS NOT NULL AS auto_then,
                       NOT (reasons @> '[{"code": "schema_invalid"}]') AS valid,
                       CASE WHEN auto_approved_at IS NOT NULL THEN audit_verdict <> 'approve'
                            WHEN decided_by NOT IN ('auto', 'deadline') THEN decision_action <> 'approve' END AS wrong,
                       CASE WHEN auto_approved_at IS NOT NULL THEN coalesce(1.0 / nullif(audit_rate, 0), 1.0) ELSE 1.0 END AS w
                FROM items WHERE task = \(task) AND created_at >= \(since) AND gold_id IS NULL
            ), judged AS (
                SELECT *, valid AND confidence >= \(request.threshold) AND NOT EXISTS (
                    SELECT 1 FROM unnest(\(pointers)::text[], \(limits)::float8[]) AS f(pointer, minimum)
                    WHERE coalesce((field_confidence ->> f.pointer)::float8, confidence) < f.minimum) AS auto_now
                FROM scope
            )
            SELECT count(*), count(*) FILTER (WHERE auto_then), count(*) FILTER (WHERE auto_now),
                   count(*) FILTER (WHERE auto_now AND NOT auto_then), count(*) FILTER (WHERE auto_then AND NOT auto_now),
                   count(*) FILTER (WHERE auto_now AND NOT auto_then AND wrong),
                   count(wrong) FILTER (WHERE auto_now),
                   coalesce(sum(w) FILTER (WHERE auto_now AND wrong IS NOT NULL), 0)::float8,
                   coalesce(sum(w) FILTER (WHERE auto_now AND wrong), 0)::float8,
                   coalesce(sum(w * w) FILTER (WHERE auto_now AND wrong IS NOT NULL), 0)::float8
            FROM judged
            """, logger: logger)
        for try await (items, autoThen, autoNow, newlyAuto, newlyQueued, known, verdicts, weight, wrong, squares)
            in rows.decode((Int, Int, Int, Int, Int, Int, Int, Double, Double, Double).self) {
            return WhatIfOutcome(items: items, autoThen: autoThen, autoNow: autoNow, newlyAuto: newlyAuto, newlyQueued: newlyQueued,
                                 knownErrorsLetThrough: known, verdicts: verdicts, weight: weight, wrongWeight: wrong, weightSquares: squares)
        }
        throw StoreError.configuration("what-if returned no row")
    }
}
