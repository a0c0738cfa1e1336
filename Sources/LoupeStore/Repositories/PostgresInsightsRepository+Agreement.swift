import Foundation
import LoupeDomain
import LoupeJSON
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

/// Per reviewer of a task: items they decided or reviewed (answers to gold items included), the median time they spent,
/// how often their reviews of consensus items matched the decision the item finally got, and their answers to gold
/// items against the known output: whole (jsonb equality: key order and the spelling of numbers do not matter) and
/// per leaf field (a rejection gets every field wrong).
extension PostgresInsightsRepository {
    public func reviewerFigures(task: String, pointers: [String]) async throws -> [ReviewerFigure] {
        let rows = try await client.query("""
            WITH acts AS (
                -- One row per person and item: a consensus decision writes 'reviewed' and 'decided' for the last reviewer.
                SELECT DISTINCT ON (e.item_id, e.actor) e.actor, e.item_id, e.duration_ms
                FROM item_events e JOIN items i ON i.id = e.item_id
                WHERE i.task = \(task) AND e.event IN ('decided', 'reviewed') AND (e.actor LIKE 'key:%' OR e.actor LIKE 'user:%')
                ORDER BY e.item_id, e.actor, e.id
            ), matched AS (
                SELECT r.reviewer, count(*) AS compared,
                       count(*) FILTER (WHERE r.action = i.decision_action AND (r.action = 'reject' OR r.output = i.final_output)) AS agreed
                FROM item_reviews r JOIN items i ON i.id = r.item_id
                WHERE i.task = \(task) AND i.status IN ('approved', 'corrected', 'rejected')
                GROUP BY r.reviewer
            ), answers AS (
                SELECT i.decided_by AS reviewer, CASE WHEN i.decision_action <> 'reject' THEN i.final_output END AS given, g.answer
                FROM items i JOIN gold_items g ON g.id = i.gold_id
                WHERE i.task = \(task) AND i.queue_state = 'done' AND i.decided_by IS NOT NULL
            ), gold AS (
                SELECT reviewer, count(*) AS items, count(*) FILTER (WHERE given = answer) AS correct FROM answers GROUP BY 1
            ), gold_fields AS (
                SELECT reviewer, jsonb_object_agg(pointer, round(correct::numeric / items, 4) ORDER BY pointer) AS accuracy
                FROM (SELECT a.reviewer, p.pointer, count(*) AS items,
                             count(*) FILTER (WHERE a.given #> p.path IS NOT DISTINCT FROM a.answer #> p.path) AS correct
                      FROM answers a
                      CROSS JOIN (SELECT x AS pointer, string_to_array(substr(x, 2), '/') AS path FROM unnest(\(pointers)::text[]) x) p
                      WHERE a.answer #> p.path IS NOT NULL OR a.given #> p.path IS NOT NULL
                      GROUP BY 1, 2) f
                GROUP BY reviewer
            )
            SELECT a.actor, coalesce(k.name, u.email), count(*)::int,
                   (percentile_cont(0.5) WITHIN GROUP (ORDER BY a.duration_ms) / 1000.0)::float8,
                   coalesce(m.compared, 0)::int, coalesce(m.agreed, 0)::int,
                   coalesce(g.items, 0)::int, coalesce(g.correct, 0)::int, gf.accuracy::text
            FROM acts a
            LEFT JOIN matched m ON m.reviewer = a.actor
            LEFT JOIN gold g ON g.reviewer = a.actor
            LEFT JOIN gold_fields gf ON gf.reviewer = a.actor
            LEFT JOIN api_keys k ON a.actor LIKE 'key:%' AND k.id::text = substr(a.actor, 5)
            LEFT JOIN users u ON a.actor LIKE 'user:%' AND u.email = substr(a.actor, 6)
            GROUP BY a.actor, k.name, u.email, m.compared, m.agreed, g.items, g.correct, gf.accuracy::text
            ORDER BY count(*) DESC, a.actor
            """, logger: logger)
        var figures: [ReviewerFigure] = []
        for try await (actor, name, decisions, median, compared, agreed, goldItems, goldRight, goldFields)
            in rows.decode((String, String?, Int, Double?, Int, Int, Int, Int, String?).self) {
            var figure = ReviewerFigure(reviewer: actor, name: name, decisions: decisions, medianSeconds: median, compared: compared, agreed: agreed)
            figure.goldItems = goldItems
            figure.goldRight = goldRight
            figure.goldFields = goldFields.flatMap { try? JSONParser.parse($0) } ?? .null
            figures.append(figure)
        }
        return figures
    }
}
