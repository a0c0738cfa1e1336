import Foundation
@testable import LoupeStore
import Testing

/// Few-shot search spends its time per candidate, so each candidate's BM25 weight is summed once: with `matched`
/// inlined, `ranked` named the weight twice (coverage and BM25) and PostgreSQL ran its subquery twice per candidate.
@Suite struct ExampleSearchPlanTests {
    @Test func eachCandidatesWeightIsSummedOnce() async throws {
        try await withLoupe { f in
            try await f.defineTask("fewshot", ["output_schema": ["type": "object"]])
            let (seeded, _, seedError) = try await Psql.run(url: f.databaseURL, """
                WITH src AS (
                    SELECT gen_random_uuid() AS id, g, 'Invoice ' || g || ' from ACME branch ' || (g % 7) || ', total ' || g || '.00 EUR' AS text
                    FROM generate_series(1, 40) AS g
                ), items_in AS (
                    INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action, decided_by,
                                       decided_at, queue_state, created_at, updated_at)
                    SELECT id, 'fewshot', 'corrected', to_jsonb(text), '{}', 0.5, '[]', '{}', 'correct', 'user:t@example.com',
                           now(), 'done', now(), now()
                    FROM src RETURNING id
                )
                INSERT INTO examples (id, task, input, input_text, input_hash, output, kind, source_item, reviewer, created_at)
                SELECT id, 'fewshot', to_jsonb(text), text, md5(text), '{}', 'correction', id, 'user:t@example.com', now() FROM src;
                """)
            #expect(seeded == 0, "\(seedError)")
            let (status, plan, error) = try await Psql.run(url: f.databaseURL, """
                PREPARE search(text, text, int8, uuid[]) AS \(ExampleSearchStatement.sql);
                EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF) EXECUTE search('fewshot', 'Invoice from ACME branch 3', 5, '{}');
                """)
            #expect(status == 0, "\(error)")
            // Branch 3 is the rare word: five or six of the 40 examples are candidates, and the plan says how often the
            // weight's subquery ran.
            let subplans = plan.split(separator: "\n").filter { $0.contains("SubPlan") }
            #expect(subplans.count == 1, "the weight's subquery appears \(subplans.count) times:\n\(plan)")
            #expect(plan.contains("CTE Scan on matched"), "\(plan)")
        }
    }
}
