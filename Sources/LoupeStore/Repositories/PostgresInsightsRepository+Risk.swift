import Foundation
import LoupeDomain
import PostgresNIO

/// Risk–coverage from verdicts: people's on reviewed items (weight 1), audits of auto-approvals (weight 1/audit rate).
extension PostgresInsightsRepository {
    public func riskBuckets(task: String, filter: AnalyticsFilter, now: Date) async throws -> [RiskBucket] {
        let since = now.addingTimeInterval(-Double(filter.days) * 86_400)
        let rows = try await client.query("""
            SELECT least(99, floor(confidence * 100))::int AS bucket, count(*) AS items, count(wrong) AS verdicts,
                   coalesce(sum(w) FILTER (WHERE wrong IS NOT NULL), 0)::float8,
                   coalesce(sum(w) FILTER (WHERE wrong), 0)::float8,
                   coalesce(sum(w * w) FILTER (WHERE wrong IS NOT NULL), 0)::float8
            FROM (
                SELECT confidence,
                       CASE WHEN auto_approved_at IS NOT NULL THEN audit_verdict <> 'approve'
                            WHEN decided_by NOT IN ('auto', 'deadline') THEN decision_action <> 'approve' END AS wrong,
                       CASE WHEN auto_approved_at IS NOT NULL THEN coalesce(1.0 / nullif(audit_rate, 0), 1.0) ELSE 1.0 END AS w
                FROM items
                WHERE task = \(task) AND created_at >= \(since)
                    AND (\(filter.promptVersion)::text IS NULL OR prompt_version = \(filter.promptVersion))
                    AND (\(filter.model)::text IS NULL OR model = \(filter.model))
            ) AS verdicts
            GROUP BY 1
            """, logger: logger)
        var buckets: [RiskBucket] = []
        for try await (index, items, verdicts, weight, wrong, squares) in rows.decode((Int, Int, Int, Double, Double, Double).self) {
            buckets.append(RiskBucket(index: index, items: items, verdicts: verdicts, weight: weight, wrongWeight: wrong, weightSquares: squares))
        }
        return buckets
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
                FROM items WHERE task = \(task) AND created_at >= \(since)
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
