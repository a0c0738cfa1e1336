import Foundation
import LoupeDomain
import Testing

/// Migration 0042: the items rollup triggers keep their plans for the session. The risk rollup's INSERT was text run
/// with EXECUTE (planned on every intake and decision) and `loupe_field_terms` a SQL function PostgreSQL plans again in
/// every statement that calls it; together 1.2–2.0 ms of a warm 3.2 ms approval. What they write must not change:
/// gold copies never count, and rows added, changed and deleted in one statement sum to the live figures.
@Suite struct RollupTriggerPlanTests {
    @Test func theRollupTriggersRunStaticStatementsAndSumAsBefore() async throws {
        try await withLoupe { f in
            let shape = try await Psql.run(url: f.databaseURL, """
                SELECT (SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'loupe_field_terms')
                       || '|' || (SELECT position('EXECUTE' IN prosrc) = 0 FROM pg_proc WHERE proname = 'risk_rollup_delta')
                """).1.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(shape == "plpgsql|true", "loupe_field_terms in PL/pgSQL, risk_rollup_delta without EXECUTE")

            // One statement at a time, each touching real items and gold copies together: inserts, a decision, a
            // change of confidence, deletes.
            let setup = try await Psql.run(url: f.databaseURL, """
                INSERT INTO tasks (name, output_schema, created_at, updated_at) VALUES ('g', '{}', now(), now());
                INSERT INTO gold_items (id, task, input, answer, shown_output, confidence, reasons, created_by, created_at)
                VALUES ('00000000-0000-0000-0000-00000000000a', 'g', '"x"', '{"v": 1}', '{"v": 2}', 0.5, '[]', 'user:lead', now());
                INSERT INTO items (id, task, status, audit, input, output, confidence, reasons, queue_state, created_at, updated_at,
                                   gold_id)
                SELECT gen_random_uuid(), 'g', 'pending', false, '"x"', '{"v": 1}', 0.5 + g / 1000.0, '[]', 'waiting', now(), now(),
                       CASE WHEN g % 4 = 0 THEN '00000000-0000-0000-0000-00000000000a'::uuid END
                FROM generate_series(1, 300) g;
                UPDATE items SET status = 'corrected', decision_action = 'correct', decided_by = 'user:u', decided_at = now(),
                       final_output = '{"v": 3}', queue_state = 'done'
                WHERE task = 'g' AND confidence < 0.7;
                UPDATE items SET confidence = confidence + 0.1 WHERE task = 'g' AND confidence > 0.75;
                DELETE FROM items WHERE task = 'g' AND confidence > 0.9;
                """)
            #expect(setup.0 == 0, "\(setup)")
            let now = Date()
            let live = try await Psql.run(url: f.databaseURL, """
                SELECT string_agg(format('%s:%s:%s', b, n, v), ' ' ORDER BY b) FROM (
                    SELECT least(99, floor(i.confidence * 100))::int AS b, count(*) AS n, count(t.wrong) AS v
                    FROM items i, loupe_risk_terms(i.auto_approved_at, i.audit_verdict, i.decided_by, i.decision_action, i.audit_rate) t
                    WHERE i.task = 'g' AND i.gold_id IS NULL GROUP BY 1) s
                """).1.trimmingCharacters(in: .whitespacesAndNewlines)
            let rolled = try await f.store.insights.riskBuckets(task: "g", filter: AnalyticsFilter(), now: now)
                .filter { $0.items != 0 }.sorted { $0.index < $1.index }
                .map { "\($0.index):\($0.items):\($0.verdicts)" }.joined(separator: " ")
            #expect(live.split(separator: " ").count > 20, "\(live)")
            #expect(rolled == live, "the rollup counts the real items only, as they are now")
        }
    }
}
