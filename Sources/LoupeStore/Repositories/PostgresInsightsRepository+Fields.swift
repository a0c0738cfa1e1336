import Foundation
import LoupeDomain
import PostgresNIO

/// Per-field error analytics from the stored `changes` patches: from `field_rollup` and `risk_rollup` (migrations 0029,
/// 0027) for whole days when the rollup was built for these pointers, else from the items.
extension PostgresInsightsRepository {
    /// A change at `/lines/3/qty` counts against `/lines/*/qty`, and against every field under a path replaced whole.
    public func fieldTallies(task: String, pointers: [String], filter: AnalyticsFilter, now: Date) async throws -> [FieldTally] {
        var rolledUp = false
        for try await valid in try await client.query("""
            SELECT coalesce(field_pointers = \(pointers) AND field_rollup_pointers = \(pointers), false) FROM tasks WHERE name = \(task)
            """, logger: logger).decode(Bool.self) { rolledUp = valid }
        let query = rolledUp ? Self.rolledUpTallies(task: task, pointers: pointers, filter: filter, now: now)
                             : Self.liveTallies(task: task, pointers: pointers, filter: filter, now: now)
        var tallies: [FieldTally] = []
        for try await (pointer, band, items, reviewed, corrected) in try await client.query(query, logger: logger).decode((String, Int, Int, Int, Int).self) {
            tallies.append(FieldTally(pointer: pointer, band: band, items: items, reviewed: reviewed, corrected: corrected))
        }
        return tallies
    }

    /// Whole days summed from the rollups, the first partial day computed from its items by the same terms; items per
    /// band of the item's confidence come from risk_rollup, and each field adds what its own confidence moved.
    static func rolledUpTallies(task: String, pointers: [String], filter: AnalyticsFilter, now: Date) -> PostgresQuery {
        let since = now.addingTimeInterval(-Double(filter.days) * 86_400)
        let firstDayEnd = Self.firstDayEnd(since)
        return """
            WITH live AS (
                SELECT confidence, field_confidence, changes, loupe_field_human(decision_action, decided_by, changes) AS human
                FROM items
                WHERE task = \(task) AND created_at >= \(since) AND created_at < \(firstDayEnd) AND gold_id IS NULL
                    AND (\(filter.promptVersion)::text IS NULL OR prompt_version = \(filter.promptVersion))
                    AND (\(filter.model)::text IS NULL OR model = \(filter.model))
            ), parts AS (
                SELECT r.pointer, r.band, r.items, r.reviewed, r.corrected, r.changed
                FROM field_rollup r
                WHERE r.task = \(task) AND r.day >= (\(firstDayEnd)::timestamptz AT TIME ZONE 'UTC')::date
                    AND (\(filter.promptVersion)::text IS NULL OR r.prompt_version = \(filter.promptVersion))
                    AND (\(filter.model)::text IS NULL OR r.model = \(filter.model))
                UNION ALL
                SELECT '#all', (r.bucket / 10)::smallint, r.items, 0, 0, 0
                FROM risk_rollup r
                WHERE r.task = \(task) AND r.day >= (\(firstDayEnd)::timestamptz AT TIME ZONE 'UTC')::date
                    AND (\(filter.promptVersion)::text IS NULL OR r.prompt_version = \(filter.promptVersion))
                    AND (\(filter.model)::text IS NULL OR r.model = \(filter.model))
                UNION ALL
                SELECT '#all', least(9, floor(confidence * 10))::smallint, 1, 0, 0, 0 FROM live
                UNION ALL
                SELECT t.* FROM live l, loupe_field_terms(l.confidence, l.field_confidence, true, l.human, l.changes, \(pointers)::text[]) t
                WHERE l.field_confidence IS NOT NULL OR l.human
            ), summed AS (
                SELECT pointer, band, sum(items) AS items, sum(reviewed) AS reviewed, sum(corrected) AS corrected, sum(changed) AS changed
                FROM parts GROUP BY 1, 2
            ), fields AS (
                SELECT unnest(\(pointers)::text[]) AS pointer
                UNION
                SELECT pointer FROM summed WHERE pointer <> '#all' GROUP BY pointer HAVING sum(changed) > 0
            )
            SELECT f.pointer, b.band::int, (coalesce(a.items, 0) + coalesce(d.items, 0))::int,
                   (coalesce(a.reviewed, 0) + coalesce(d.reviewed, 0))::int, coalesce(d.corrected, 0)::int
            FROM fields f
            CROSS JOIN generate_series(0, 9) AS b(band)
            LEFT JOIN summed a ON a.pointer = '#all' AND a.band = b.band
            LEFT JOIN summed d ON d.pointer = f.pointer AND d.band = b.band
            WHERE coalesce(a.items, 0) + coalesce(d.items, 0) <> 0
            """
    }

    /// Every item of the window read and tallied: what a task gets while its rollup is rebuilt after a schema change.
    static func liveTallies(task: String, pointers: [String], filter: AnalyticsFilter, now: Date) -> PostgresQuery {
        let since = now.addingTimeInterval(-Double(filter.days) * 86_400)
        return """
            WITH scope AS (
                SELECT confidence, field_confidence, loupe_field_human(decision_action, decided_by, changes) AS human,
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
                   count(*)::int AS items, count(*) FILTER (WHERE s.human)::int AS reviewed,
                   count(*) FILTER (WHERE s.human AND EXISTS (
                       SELECT 1 FROM unnest(s.changed) AS path
                       WHERE path = f.pointer OR starts_with(f.pointer, path || '/') OR starts_with(path, f.pointer || '/')))::int AS corrected
            FROM scope s CROSS JOIN fields f
            GROUP BY 1, 2
            """
    }
}
