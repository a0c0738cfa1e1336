import Foundation
import LoupeDomain
import Testing

/// Export pages are planned once per session (a generic plan, migration 0032); whatever the statistics say, a page of
/// one task reads that task's rows only, and a span's page stops at the span's end. Page ends and pages of
/// people's decisions come from their own table (migration 0034).
@Suite struct ExportPlanTests {
    @Test func aSmallTasksPagesDoNotWalkALargerTasksRows() async throws {
        try await withLoupe { f in
            try await f.defineTask("large", ["output_schema": ["type": "object"]])
            try await f.defineTask("small", ["output_schema": ["type": "object"]])
            // The larger task's items come first in id order, and the statistics know only them (as when a new task
            // starts beside an established one): a plan that reads by id and filters by task walks all of them.
            try await seed("large", count: 3000, idPrefix: "01900000", analyze: true, url: f.databaseURL)
            try await seed("small", count: 20, idPrefix: "01910000", analyze: false, url: f.databaseURL)

            var exported = 0
            try await f.store.export.stream(ExportFilter(task: "small"), format: .jsonl, instructions: "", pageBytes: 2048) { _, rows in
                exported += rows
            }
            #expect(exported == 20)

            let start = "00000000-0000-0000-0000-000000000000"
            let page = try await fetched("SELECT page_rows FROM loupe_export_page('jsonl', 'small', '\(start)', false, NULL, NULL, NULL, NULL, 250, '')",
                                         url: f.databaseURL)
            #expect(page.rows == "20")
            #expect((0...40).contains(page.fetched), "a page of 20 rows fetched \(page.fetched) item rows")
            let ends = try await fetched("SELECT count(*) FROM loupe_export_page_ends('jsonl', 'small', '\(start)', false, NULL, NULL, NULL, 5, 4)",
                                         url: f.databaseURL)
            #expect(ends.rows == "4")
            #expect((0...40).contains(ends.fetched), "planning 20 rows fetched \(ends.fetched) item rows")
            // People's decisions are planned from their own table's key (an index-only scan once VACUUM has marked the
            // pages all-visible); auto_explain prints the plan of the statement inside the function.
            let (explained, _, plan) = try await Psql.run(url: f.databaseURL, """
                LOAD 'auto_explain'; SET auto_explain.log_min_duration = 0; SET auto_explain.log_nested_statements = on;
                SET auto_explain.log_level = notice; SET client_min_messages = notice;
                SELECT count(*) FROM loupe_export_page_ends('jsonl', 'small', '\(start)', false, NULL, NULL, NULL, 5, 4);
                """)
            #expect(explained == 0, "\(plan)")
            #expect(plan.contains("Index Only Scan using people_decisions_pkey"), "page ends were planned as: \(plan)")
            // A span in the middle of the larger task (items 1,001–1,250) stops at its upper bound, whether it reads
            // people's decisions (their table) or every decision (items).
            for includeAuto in [false, true] {
                let span = try await fetched("""
                    SELECT page_rows FROM loupe_export_page('jsonl', 'large', '01900000-0000-7000-8000-0000000003e8', \(includeAuto),
                        NULL, NULL, NULL, '01900000-0000-7000-8000-0000000004e2', 1000, '')
                    """, url: f.databaseURL)
                #expect(span.rows == "250")
                #expect((0...300).contains(span.fetched), "a span of 250 rows fetched \(span.fetched) rows (include_auto \(includeAuto))")
                // Index entries past the end are rejected before the heap, so count the index pages the scan touched:
                // 250 entries sit on one or two leaves; walking on to the task's end reads about ten more.
                #expect((0...6).contains(span.indexBlocks), "a span of 250 rows read \(span.indexBlocks) index pages (include_auto \(includeAuto))")
            }
        }
    }

    /// An export of people's decisions reads them from their own table (migration 0034): on a task whose items are
    /// mostly automatic, a page fetches the rows it writes, not every decision between them.
    @Test func aPageOfPeoplesDecisionsSkipsAutomaticOnesInTheIndex() async throws {
        try await withLoupe { f in
            try await f.defineTask("mixed", ["output_schema": ["type": "object"]])
            try await seed("mixed", count: 3000, idPrefix: "01920000", analyze: true, humanEvery: 150, url: f.databaseURL)
            let start = "00000000-0000-0000-0000-000000000000"
            let people = try await fetched("SELECT page_rows FROM loupe_export_page('jsonl', 'mixed', '\(start)', false, NULL, NULL, NULL, NULL, 250, '')",
                                           url: f.databaseURL)
            #expect(people.rows == "20")
            #expect((0...40).contains(people.fetched), "a page of 20 people's decisions fetched \(people.fetched) item rows")
            let all = try await fetched("SELECT page_rows FROM loupe_export_page('jsonl', 'mixed', '\(start)', true, NULL, NULL, NULL, NULL, 250, '')",
                                        url: f.databaseURL)
            #expect(all.rows == "250")
            var exported = 0
            try await f.store.export.stream(ExportFilter(task: "mixed"), format: .jsonl, instructions: "", pageBytes: 2048) { _, rows in
                exported += rows
            }
            #expect(exported == 20)
        }
    }

    /// Decided items of `task` with ids `<idPrefix>-0000-7000-8000-<n>`, as intake's UUIDv7 would order them.
    /// Every `humanEvery`-th is a person's decision, the rest automatic.
    private func seed(_ task: String, count: Int, idPrefix: String, analyze: Bool, humanEvery: Int = 1, url: String) async throws {
        let (status, _, error) = try await Psql.run(url: url, """
            INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action, decided_by,
                               decided_at, queue_state, created_at, updated_at)
            SELECT ('\(idPrefix)-0000-7000-8000-' || lpad(to_hex(g), 12, '0'))::uuid, '\(task)', 'corrected',
                   jsonb_build_object('text', 'Invoice ' || g), jsonb_build_object('total', g), 0.5, '[]',
                   jsonb_build_object('total', g + 1), 'correct',
                   CASE WHEN g % \(humanEvery) = 0 THEN 'user:lead@example.com' ELSE 'auto' END, now(), 'done', now(), now()
            FROM generate_series(1, \(count)) AS g;
            \(analyze ? "ANALYZE items;" : "")
            """)
        #expect(status == 0, "\(error)")
    }

    /// Runs `sql` (one row, one column) twice in one transaction and reads what the second run (planned already, as
    /// in an export) did: how many rows of items and people_decisions it fetched and how many pages of their indexes it
    /// touched.
    private func fetched(_ sql: String, url: String) async throws -> (rows: String, fetched: Int, indexBlocks: Int) {
        let counters = """
            SELECT (SELECT sum(coalesce(idx_tup_fetch, 0) + coalesce(seq_tup_read, 0)) FROM pg_stat_xact_user_tables
                    WHERE relname IN ('items', 'people_decisions'))
                || ' ' || (SELECT sum(pg_stat_get_xact_blocks_fetched(indexrelid)) FROM pg_index
                           WHERE indrelid IN ('items'::regclass, 'people_decisions'::regclass))
            """
        let (status, out, error) = try await Psql.run(url: url, "BEGIN; \(sql); \(counters); \(sql); \(counters); COMMIT;")
        #expect(status == 0, "\(error)")
        let lines = out.split(separator: "\n").map(String.init).filter { $0 != "BEGIN" && $0 != "COMMIT" }
        guard lines.count == 4 else { return ("", -1, -1) }
        let before = lines[1].split(separator: " ").compactMap { Int($0) }, after = lines[3].split(separator: " ").compactMap { Int($0) }
        guard before.count == 2, after.count == 2 else { return ("", -1, -1) }
        return (lines[2], after[0] - before[0], after[1] - before[1])
    }
}
