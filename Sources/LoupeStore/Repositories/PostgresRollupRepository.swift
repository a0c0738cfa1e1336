import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Folds the rollups' deltas (`risk_rollup`, migration 0027; `field_rollup`, 0029) into one row per key, so reads sum
/// a few rows per day. Safe on several servers at once: each folds the rows it deleted, and sums stay sums.
public struct PostgresRollupRepository: RollupRepository {
    let client: GatedPool
    let logger: Logger

    /// Held by a fold and by a field rollup's rebuild for their whole transactions. A rebuild whose DELETE took its
    /// snapshot while a fold was under way waited for the fold's deleted rows, skipped them, and never saw the rows the
    /// fold inserted in their place: those stayed beside the rebuild's own count (`FieldRollupFoldTests`).
    static let foldLock: Int64 = 0x4C6F_7570_6546_6F6C

    public func compact() async throws {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.foldLock))", logger: logger)
                try await fold(on: connection)
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }

    private func fold(on connection: PostgresConnection) async throws {
        try await connection.query("""
            WITH gone AS (DELETE FROM risk_rollup RETURNING *)
            INSERT INTO risk_rollup (task, day, prompt_version, model, bucket, items, verdicts, weight, wrong_weight, weight_squares)
            SELECT task, day, prompt_version, model, bucket, sum(items), sum(verdicts), sum(weight), sum(wrong_weight), sum(weight_squares)
            FROM gone GROUP BY 1, 2, 3, 4, 5
            HAVING sum(items) <> 0 OR sum(verdicts) <> 0
            """, logger: logger)
        try await connection.query("""
            WITH gone AS (DELETE FROM field_rollup RETURNING *)
            INSERT INTO field_rollup (task, day, prompt_version, model, pointer, band, items, reviewed, corrected, changed)
            SELECT task, day, prompt_version, model, pointer, band, sum(items), sum(reviewed), sum(corrected), sum(changed)
            FROM gone GROUP BY 1, 2, 3, 4, 5, 6
            HAVING sum(items) <> 0 OR sum(reviewed) <> 0 OR sum(corrected) <> 0 OR sum(changed) <> 0
            """, logger: logger)
    }

    public func staleFieldRollups() async throws -> [(task: String, schema: JSONValue)] {
        var stale: [(task: String, schema: JSONValue)] = []
        let rows = try await client.query("""
            SELECT name, output_schema::text FROM tasks
            WHERE field_rollup_pointers IS NULL OR field_rollup_pointers IS DISTINCT FROM field_pointers
            """, logger: logger)
        for try await (task, schema) in rows.decode((String, String).self) {
            stale.append((task, (try? JSONParser.parse(schema, options: .init(maxDepth: 10_000))) ?? .null))
        }
        return stale
    }

    /// One transaction: the task row locked (a second server waits, then finds the rollup current and stops), then one
    /// statement deletes the task's rows and counts its items again from the same snapshot, so a write committed after
    /// that snapshot keeps the delta it appended, and one committed before is counted once, from the items.
    public func rebuildFieldRollup(task: String, pointers: [String]) async throws {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                // Before any statement's snapshot: a fold under way commits first, and the DELETE below sees its rows.
                try await connection.query("SELECT pg_advisory_xact_lock(\(Self.foldLock))", logger: logger)
                var stale = false
                for try await _ in try await connection.query("""
                    SELECT 1 FROM tasks WHERE name = \(task) AND field_rollup_pointers IS DISTINCT FROM \(pointers) FOR UPDATE
                    """, logger: logger) { stale = true }
                if stale {
                    try await connection.query("""
                        WITH gone AS (DELETE FROM field_rollup WHERE task = \(task))
                        INSERT INTO field_rollup (task, day, prompt_version, model, pointer, band, items, reviewed, corrected, changed)
                        SELECT i.task, (i.created_at AT TIME ZONE 'UTC')::date, i.prompt_version, i.model, t.f_pointer, t.f_band,
                               sum(t.f_items), sum(t.f_reviewed), sum(t.f_corrected), sum(t.f_changed)
                        FROM items i,
                             loupe_field_terms(i.confidence, i.field_confidence, true, loupe_field_human(i.decision_action, i.decided_by, i.changes),
                                               i.changes, \(pointers)::text[]) t
                        WHERE i.task = \(task) AND i.gold_id IS NULL
                          AND (i.field_confidence IS NOT NULL OR loupe_field_human(i.decision_action, i.decided_by, i.changes))
                        GROUP BY 1, 2, 3, 4, 5, 6
                        """, logger: logger)
                    try await connection.query("""
                        UPDATE tasks SET field_pointers = \(pointers), field_rollup_pointers = \(pointers) WHERE name = \(task)
                        """, logger: logger)
                }
                try await connection.query("COMMIT", logger: logger)
            } catch {
                _ = try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
