import Foundation
import LoupeDomain
import PostgresNIO

/// Agreement among reviewers of consensus items: Krippendorff's alpha (nominal) and percent agreement, computed from
/// the coincidence of review values within items (each ordered pair of reviews of an item with m reviews weighs
/// 1 / (m − 1)), overall (a review's value: its action and output) and per leaf field (the value at the pointer, or
/// "rejected").
extension PostgresInsightsRepository {
    public func agreement(task: String, pointers: [String]) async throws -> [AgreementFigure] {
        let rows = try await client.query("""
            WITH reviews AS (
                SELECT r.item_id, r.reviewer, r.action, r.output, count(*) OVER (PARTITION BY r.item_id) AS m
                FROM item_reviews r JOIN items i ON i.id = r.item_id
                WHERE i.task = \(task)
            ), valued AS (
                -- '' is the whole review; a pointer is one field's value, "rejected" for rejections. Values are jsonb, so
                -- equal values compare equal however they were written (12.50 and 12.5, key order).
                SELECT item_id, reviewer, m, '' AS pointer, jsonb_build_array(action, output) AS value FROM reviews
                UNION ALL
                SELECT r.item_id, r.reviewer, r.m, p.pointer,
                       CASE WHEN r.action = 'reject' THEN '"rejected"'::jsonb
                            ELSE coalesce(r.output #> string_to_array(substr(p.pointer, 2), '/'), '"absent"'::jsonb) END
                FROM reviews r CROSS JOIN unnest(\(pointers)::text[]) AS p(pointer)
            ), pairs AS (
                SELECT a.pointer, a.value AS c, b.value AS k, sum(1.0 / (a.m - 1)) AS o, count(DISTINCT a.item_id) AS items
                FROM valued a JOIN valued b ON b.item_id = a.item_id AND b.pointer = a.pointer AND b.reviewer <> a.reviewer
                WHERE a.m >= 2
                GROUP BY 1, 2, 3
            ), marginals AS (
                SELECT pointer, c, sum(o) AS n_c FROM pairs GROUP BY 1, 2
            ), totals AS (
                SELECT p.pointer,
                       (SELECT sum(n_c) FROM marginals m WHERE m.pointer = p.pointer) AS n,
                       (SELECT sum(n_c * n_c) FROM marginals m WHERE m.pointer = p.pointer) AS squares,
                       sum(o) FILTER (WHERE c <> k) AS disagreeing, sum(o) FILTER (WHERE c = k) AS agreeing
                FROM pairs p GROUP BY 1
            )
            SELECT t.pointer,
                   (SELECT count(DISTINCT item_id) FROM valued v WHERE v.pointer = t.pointer AND v.m >= 2)::int,
                   CASE WHEN t.n * t.n - t.squares > 0
                        THEN (1 - (t.n - 1) * coalesce(t.disagreeing, 0) / (t.n * t.n - t.squares))::float8 END,
                   (coalesce(t.agreeing, 0) / t.n)::float8
            FROM totals t ORDER BY t.pointer
            """, logger: logger)
        var figures: [AgreementFigure] = []
        for try await (pointer, items, alpha, percent) in rows.decode((String, Int, Double?, Double).self) {
            figures.append(AgreementFigure(pointer: pointer, items: items, alpha: alpha, percent: percent))
        }
        return figures
    }
}
