import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 14: risk–coverage reads whole days from `risk_rollup` (kept by triggers on items) and the window's first day
/// live. Its buckets must equal the live sum over the items in the window, across day boundaries, after decisions,
/// audits and deletes, before and after the deltas are folded.
@Suite struct RiskRollupTests {
    /// The same sums read straight from the items, as before the rollup existed.
    static func live(_ f: LoupeFixture, task: String, since: Date) async throws -> String {
        try await Psql.run(url: f.databaseURL, """
            SELECT string_agg(format('%s:%s:%s:%s:%s', b, n, v, round(w::numeric, 6), round(x::numeric, 6)), ' ' ORDER BY b) FROM (
                SELECT least(99, floor(i.confidence * 100))::int AS b, count(*) AS n, count(t.wrong) AS v,
                       coalesce(sum(t.w) FILTER (WHERE t.wrong IS NOT NULL), 0) AS w, coalesce(sum(t.w) FILTER (WHERE t.wrong), 0) AS x
                FROM items i, loupe_risk_terms(i.auto_approved_at, i.audit_verdict, i.decided_by, i.decision_action, i.audit_rate) t
                WHERE i.task = '\(task)' AND i.created_at >= '\(Timestamp.string(since))' GROUP BY 1) s
            """).1.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func read(_ f: LoupeFixture, task: String, now: Date) async throws -> String {
        try await f.store.insights.riskBuckets(task: task, filter: AnalyticsFilter(), now: now).sorted { $0.index < $1.index }
            .map { b in
                func r(_ x: Double) -> String { String(format: "%.6f", x) }
                return "\(b.index):\(b.items):\(b.verdicts):\(r(b.weight)):\(r(b.wrongWeight))"
            }.joined(separator: " ")
    }

    @Test func theRollupAndTheFirstDayReadLiveEqualTheItemsInTheWindow() async throws {
        try await withLoupe { f in
            let setup = try await Psql.run(url: f.databaseURL, """
                SELECT setseed(0.42);
                INSERT INTO tasks (name, output_schema, created_at, updated_at) VALUES ('r', '{}', now(), now());
                -- 3,000 items over 45 days, every hour of the day: some before the window, some on its first day.
                INSERT INTO items (id, task, status, audit, input, output, confidence, reasons, final_output, decision_action,
                                   decided_by, decided_at, auto_approved_at, audit_verdict, audit_rate, queue_state, created_at, updated_at)
                SELECT gen_random_uuid(), 'r', CASE WHEN c < 0.85 THEN 'corrected' ELSE 'approved' END, c >= 0.85 AND random() < 0.3,
                       '"x"', '{"v": 1}', c, '[]', '{"v": 2}', CASE WHEN c < 0.85 THEN 'correct' ELSE 'approve' END,
                       CASE WHEN c < 0.85 THEN 'user:u' ELSE 'auto' END, now(), CASE WHEN c >= 0.85 THEN now() END, NULL,
                       CASE WHEN c >= 0.85 THEN 0.3 END, 'done', now() - make_interval(secs => 45 * 86400 * random()), now()
                FROM (SELECT 0.5 + 0.5 * random() AS c FROM generate_series(1, 3000)) d;
                -- Audits decided later (updates), one item gone (a delete).
                UPDATE items SET audit_verdict = CASE WHEN random() < 0.2 THEN 'correct' ELSE 'approve' END WHERE audit;
                DELETE FROM items WHERE id = (SELECT id FROM items ORDER BY created_at LIMIT 1 OFFSET 1500);
                """)
            #expect(setup.0 == 0, "\(setup)")
            // Odd hours on purpose: the window's first day is cut mid-day.
            for offset in [0.0, 3_600 * 7.5, 86_400 * 3.25] {
                let now = Date().addingTimeInterval(-offset)
                let since = now.addingTimeInterval(-30 * 86_400)
                let expected = try await Self.live(f, task: "r", since: since)
                #expect(!expected.isEmpty)
                #expect(try await Self.read(f, task: "r", now: now) == expected, "window ending \(offset) s ago")
            }
            try await f.store.rollups.compact()
            let rows = try await Psql.run(url: f.databaseURL, "SELECT count(*) FROM risk_rollup WHERE task = 'r'").1
            #expect((Int(rows.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0) <= 46 * 100, "folded: at most a row per day and percentile")
            let now = Date()
            #expect(try await Self.read(f, task: "r", now: now) == (try await Self.live(f, task: "r", since: now.addingTimeInterval(-30 * 86_400))))
        }
    }

    /// Migration 0041: an update that changes nothing the rollup reads (a claim, a lease, a release) returns before the
    /// rollup's INSERT, then an EXECUTE planned again each time (0.6–0.8 ms of a warm claim's 1.2–1.6 ms; 0.05 ms with
    /// the early return; 0042 made the INSERT static and kept the return). An update that does change it still lands,
    /// equal to the live sums.
    @Test func updatesThatChangeNothingItReadsSkipTheRollupsStatement() async throws {
        try await withLoupe { f in
            let source = try await Psql.run(url: f.databaseURL, "SELECT prosrc FROM pg_proc WHERE proname = 'risk_rollup_delta'").1
            #expect(source.contains("EXCEPT ALL"), "the early return for unchanged rollup columns")
            let setup = try await Psql.run(url: f.databaseURL, """
                INSERT INTO tasks (name, output_schema, created_at, updated_at) VALUES ('q', '{}', now(), now());
                INSERT INTO items (id, task, status, audit, input, output, confidence, reasons, queue_state, created_at, updated_at)
                SELECT gen_random_uuid(), 'q', 'pending', false, '"x"', '{"v": 1}', 0.5 + g / 1000.0, '[]', 'waiting', now(), now()
                FROM generate_series(1, 200) g;
                """)
            #expect(setup.0 == 0, "\(setup)")
            let count = "SELECT count(*) || ':' || coalesce(sum(items), 0) FROM risk_rollup WHERE task = 'q'"
            let before = try await Psql.run(url: f.databaseURL, count).1
            let leased = try await Psql.run(url: f.databaseURL, """
                UPDATE items SET queue_state = 'leased', lease_holder = 'key:k', lease_expires_at = now(), updated_at = now() WHERE task = 'q'
                """)
            #expect(leased.0 == 0, "\(leased)")
            #expect(try await Psql.run(url: f.databaseURL, count).1 == before, "a lease wrote nothing to the rollup")
            let moved = try await Psql.run(url: f.databaseURL, "UPDATE items SET confidence = confidence - 0.25 WHERE task = 'q' AND confidence > 0.6")
            #expect(moved.0 == 0, "\(moved)")
            #expect(try await Psql.run(url: f.databaseURL, count).1 != before, "a changed confidence moved items between buckets")
            let now = Date()
            #expect(try await Self.read(f, task: "q", now: now) == (try await Self.live(f, task: "q", since: now.addingTimeInterval(-30 * 86_400))))
        }
    }
}
