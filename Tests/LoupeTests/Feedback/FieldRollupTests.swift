import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 14: per-field analytics read whole days from `field_rollup` and `risk_rollup` (kept by triggers on items) and
/// the window's first day live. The tallies must equal the live count over the items in the window, with field
/// confidences, corrections in place, in arrays, of whole arrays and outside the schema, after later decisions, undos,
/// erasures and deletes, before and after folding; a schema change sends reads live until the rollup is rebuilt.
@Suite struct FieldRollupTests {
    static let schema: JSONValue = [
        "type": "object", "properties": [
            "vendor": ["type": "string"], "total": ["type": "number"],
            "lines": ["type": "array", "items": ["type": "object", "properties": ["qty": ["type": "number"], "price": ["type": "number"]]]]]]

    static func read(_ f: LoupeFixture, now: Date, schema: JSONValue = schema) async throws -> String {
        try await f.store.insights.fieldTallies(task: "r", pointers: SchemaPaths.leaves(schema), filter: AnalyticsFilter(), now: now)
            .sorted { ($0.pointer, $0.band) < ($1.pointer, $1.band) }
            .map { "\($0.pointer):\($0.band):\($0.items):\($0.reviewed):\($0.corrected)" }.joined(separator: " ")
    }

    /// The same tallies counted from every item: the rollup marked as built for other fields sends the read live.
    static func live(_ f: LoupeFixture, now: Date) async throws -> String {
        let saved = try await Psql.run(url: f.databaseURL, "SELECT field_rollup_pointers::text FROM tasks WHERE name = 'r'").1
            .trimmingCharacters(in: .whitespacesAndNewlines)
        _ = try await Psql.run(url: f.databaseURL, "UPDATE tasks SET field_rollup_pointers = '{}' WHERE name = 'r'")
        let tallies = try await read(f, now: now)
        _ = try await Psql.run(url: f.databaseURL, "UPDATE tasks SET field_rollup_pointers = '\(saved)' WHERE name = 'r'")
        return tallies
    }

    @Test func theRollupAndTheFirstDayReadLiveEqualTheItemsInTheWindow() async throws {
        try await withLoupe { f in
            try await f.defineTask("r", ["output_schema": Self.schema])
            let setup = try await Psql.run(url: f.databaseURL, """
                SELECT setseed(0.42);
                CREATE TEMP TABLE variants (n int, action text, final jsonb);
                INSERT INTO variants VALUES
                    (0, 'correct', '{"vendor": "A", "total": 11, "lines": [{"qty": 1, "price": 2}, {"qty": 3, "price": 4}]}'),
                    (1, 'correct', '{"vendor": "A", "total": 10, "lines": [{"qty": 1, "price": 2}, {"qty": 5, "price": 4}]}'),
                    (2, 'correct', '{"vendor": "A", "total": 10, "lines": [{"qty": 9, "price": 9}]}'),
                    (3, 'correct', '{"vendor": "B", "total": 10, "note": "x", "lines": [{"qty": 1, "price": 2}, {"qty": 3, "price": 4}]}'),
                    (4, 'approve', NULL), (5, 'reject', NULL), (6, 'deadline', NULL);
                -- 3,000 items over 45 days: auto-approved above 0.85, decided by people (or deadlines) below, a third with a
                -- confidence of their own for /total or /lines/*/qty, a tenth still pending.
                INSERT INTO items (id, task, status, audit, input, output, confidence, field_confidence, reasons, final_output,
                                   decision_action, decided_by, decided_at, auto_approved_at, queue_state, created_at, updated_at)
                SELECT gen_random_uuid(), 'r',
                       CASE WHEN c >= 0.85 THEN 'approved' WHEN pending THEN 'pending' WHEN v.action = 'correct' THEN 'corrected'
                            WHEN v.action = 'reject' THEN 'rejected' ELSE 'approved' END,
                       false, '"x"', o, c, fc, '[]',
                       CASE WHEN c >= 0.85 THEN o WHEN pending OR v.action = 'reject' THEN NULL ELSE coalesce(v.final, o) END,
                       CASE WHEN c >= 0.85 THEN 'approve' WHEN pending THEN NULL WHEN v.action = 'deadline' THEN 'approve' ELSE v.action END,
                       CASE WHEN c >= 0.85 THEN 'auto' WHEN pending THEN NULL WHEN v.action = 'deadline' THEN 'deadline' ELSE 'user:u' END,
                       CASE WHEN pending AND c < 0.85 THEN NULL ELSE now() END, CASE WHEN c >= 0.85 THEN now() END,
                       CASE WHEN pending AND c < 0.85 THEN 'waiting' ELSE 'done' END,
                       now() - make_interval(secs => 45 * 86400 * random()), now()
                FROM (SELECT 0.5 + 0.5 * random() AS c, floor(random() * 7)::int AS k, random() < 0.1 AS pending,
                             '{"vendor": "A", "total": 10, "lines": [{"qty": 1, "price": 2}, {"qty": 3, "price": 4}]}'::jsonb AS o,
                             CASE floor(random() * 3)::int WHEN 0 THEN jsonb_build_object('/total', round(random()::numeric, 2))
                                                           WHEN 1 THEN jsonb_build_object('/lines/*/qty', round(random()::numeric, 2)) END AS fc
                      FROM generate_series(1, 3000)) d
                JOIN variants v ON v.n = d.k;
                -- Later: pending items decided (one statement), a few decisions undone, one erased, one gone.
                UPDATE items i SET status = 'corrected', decision_action = 'correct', decided_by = 'user:v', decided_at = now(),
                       final_output = v.final, queue_state = 'done'
                FROM variants v WHERE i.queue_state = 'waiting' AND v.n = (hashtext(i.id::text) & 3) AND random() < 0.7;
                UPDATE items SET status = 'pending', decision_action = NULL, decided_by = NULL, decided_at = NULL, final_output = NULL,
                       queue_state = 'waiting'
                WHERE id IN (SELECT id FROM items WHERE decided_by = 'user:v' ORDER BY id LIMIT 20);
                UPDATE items SET input = 'null', output = 'null', final_output = NULL, metadata = NULL, decision_reason = NULL, erased_at = now()
                WHERE id = (SELECT id FROM items WHERE decision_action = 'correct' ORDER BY id LIMIT 1);
                DELETE FROM items WHERE id = (SELECT id FROM items WHERE decision_action = 'correct' ORDER BY id LIMIT 1 OFFSET 5);
                """)
            #expect(setup.0 == 0, "\(setup)")
            for offset in [0.0, 3_600 * 7.5, 86_400 * 3.25] {
                let now = Date().addingTimeInterval(-offset)
                let expected = try await Self.live(f, now: now)
                #expect(expected.contains("/note:") && expected.contains("/lines/*:") && expected.contains("/lines/*/qty:"), "\(expected)")
                #expect(try await Self.read(f, now: now) == expected, "window ending \(offset) s ago")
            }
            try await f.store.rollups.compact()
            let now = Date()
            #expect(try await Self.read(f, now: now) == (try await Self.live(f, now: now)), "folded")

            // A schema change: reads are live (and right) at once; the rebuild makes the rollup current again.
            let changed: JSONValue = ["type": "object", "properties": ["vendor": ["type": "string"], "total": ["type": "number"], "note": ["type": "string"]]]
            try await f.defineTask("r", ["output_schema": changed])
            let stale = try await f.store.rollups.staleFieldRollups().map(\.task)
            #expect(stale == ["r"])
            let before = try await Self.read(f, now: now, schema: changed)
            try await f.store.rollups.rebuildFieldRollup(task: "r", pointers: SchemaPaths.leaves(changed))
            #expect(try await f.store.rollups.staleFieldRollups().isEmpty)
            #expect(try await Self.read(f, now: now, schema: changed) == before, "the rebuilt rollup reads what the items say")
        }
    }
}
