import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// A rebuild of a task's field rollup (after a schema change) and a fold of the rollups (every server's compactor) at
/// once: the rebuild must count each item once. Seen in a full run on a loaded machine, where
/// `FieldRollupTests` read doubled tallies after its rebuild: a rebuild whose snapshot predated a fold's commit kept the
/// fold's new rows beside its own count.
@Suite struct FieldRollupFoldTests {
    @Test func aRebuildDuringAFoldCountsEachItemOnce() async throws {
        try await withLoupe { f in
            try await f.defineTask("r", ["output_schema": FieldRollupTests.schema])
            let seeded = try await Psql.run(url: f.databaseURL, """
                INSERT INTO items (id, task, status, input, output, confidence, field_confidence, reasons, final_output,
                                   decision_action, decided_by, decided_at, queue_state, created_at, updated_at)
                SELECT gen_random_uuid(), 'r', 'corrected', '"x"', '{"vendor": "A", "total": 10}', 0.5,
                       jsonb_build_object('/total', (g % 10) / 10.0), '[]', jsonb_build_object('vendor', 'B', 'total', g % 3),
                       'correct', 'user:u', now(), 'done', now() - make_interval(secs => g * 600), now()
                FROM generate_series(1, 200) g
                """)
            #expect(seeded.0 == 0, "\(seeded.2)")
            try await f.store.rollups.rebuildFieldRollup(task: "r", pointers: SchemaPaths.leaves(FieldRollupTests.schema))
            let changed: JSONValue = ["type": "object", "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]]
            try await f.defineTask("r", ["output_schema": changed])
            let now = Date()
            let before = try await FieldRollupTests.read(f, now: now, schema: changed)
            #expect(before.contains("/total:"), "\(before)")

            // Another session locks the rollup's last row, so a fold stops there, mid-statement, its snapshot taken and
            // every other row deleted but not committed; then the rebuild starts, and then the lock is let go.
            let holder = try LockHolder(url: f.databaseURL, """
                BEGIN; SELECT 1 FROM field_rollup WHERE ctid = (SELECT ctid FROM field_rollup ORDER BY ctid DESC LIMIT 1) FOR UPDATE;
                """)
            #expect(try await eventually { try await Self.count(f, "state = 'idle in transaction' AND query LIKE '%FOR UPDATE%'") == 1 })
            let fold = Task { try await f.store.rollups.compact() }
            #expect(try await eventually { try await Self.count(f, "wait_event_type = 'Lock' AND query LIKE '%DELETE FROM field_rollup RETURNING%'") == 1 })
            let rebuild = Task { try await f.store.rollups.rebuildFieldRollup(task: "r", pointers: SchemaPaths.leaves(changed)) }
            #expect(try await eventually { try await Self.count(f, "wait_event_type = 'Lock'") >= 2 }, "the rebuild waits too")
            try await holder.finish("COMMIT;")
            try await fold.value
            try await rebuild.value

            #expect(try await f.store.rollups.staleFieldRollups().isEmpty)
            #expect(try await FieldRollupTests.read(f, now: now, schema: changed) == before, "the rebuilt rollup reads what the items say")
        }
    }

    /// Backends of the test's database matching `condition` (a `pg_stat_activity` predicate).
    static func count(_ f: LoupeFixture, _ condition: String) async throws -> Int {
        try await Psql.integer(url: f.databaseURL, """
            SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND \(condition)
            """)
    }
}
