import Foundation
import LoupeDomain
import PostgresNIO

/// Per-field error analytics from the stored `changes` patches.
extension PostgresInsightsRepository {
    /// A change at `/lines/3/qty` counts against `/lines/*/qty`, and against every field under a path replaced whole.
    public func fieldTallies(task: String, pointers: [String], filter: AnalyticsFilter, now: Date) async throws -> [FieldTally] {
        let since = now.addingTimeInterval(-Double(filter.days) * 86_400)
        let rows = try await client.query("""
            WITH scope AS (
                SELECT confidence, field_confidence,
                       decision_action IN ('approve', 'correct') AND decided_by NOT IN ('auto', 'deadline') AND changes IS NOT NULL AS human,
                       ARRAY(SELECT regexp_replace(op ->> 'path', '/[0-9]+(?=/|$)', '/*', 'g')
                             FROM jsonb_array_elements(coalesce(changes, '[]')) AS op) AS changed
                FROM items
                WHERE task = \(task) AND created_at >= \(since) AND gold_id IS NULL
                    AND (\(filter.promptVersion)::text IS NULL OR prompt_version = \(filter.promptVersion))
                    AND (\(filter.model)::text IS NULL OR model = \(filter.model))
            ), fields AS (
                SELECT unnest(\(pointers)::text[]) AS pointer
                UNION
                SELECT DISTINCT path FROM scope, unnest(changed) AS path WHERE human AND path <> ''
            )
            SELECT f.pointer,
                   least(9, floor(coalesce((s.field_confidence ->> f.pointer)::float8, s.confidence) * 10))::int AS band,
                   count(*) AS items, count(*) FILTER (WHERE s.human) AS reviewed,
                   count(*) FILTER (WHERE s.human AND EXISTS (
                       SELECT 1 FROM unnest(s.changed) AS path
                       WHERE path = f.pointer OR starts_with(f.pointer, path || '/') OR starts_with(path, f.pointer || '/'))) AS corrected
            FROM scope s CROSS JOIN fields f
            GROUP BY 1, 2
            """, logger: logger)
        var tallies: [FieldTally] = []
        for try await (pointer, band, items, reviewed, corrected) in rows.decode((String, Int, Int, Int, Int).self) {
            tallies.append(FieldTally(pointer: pointer, band: band, items: items, reviewed: reviewed, corrected: corrected))
        }
        return tallies
    }
}
