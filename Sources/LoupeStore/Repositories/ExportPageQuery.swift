import Foundation
import LoupeDomain
import PostgresNIO

/// The export's two statements over one set of rows (a task's exportable items, in id order): the lines of an id range,
/// and the ids that cut the rows after a point into pages.
struct ExportPageQuery {
    let filter: ExportFilter
    let format: ExportFormat
    let instructions: String

    /// Ids no item has: the lower bound before the first page (intake's ids are UUIDv7, never all zero).
    static let start = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The rows of `$1…$7`: the task, after `$2`, and the filter's conditions; `also` joins more to each row.
    private static func rows(also: String = "") -> String {
        """
        FROM items\(also)
        WHERE task = $1 AND id > $2
          AND decision_action IS NOT NULL AND erased_at IS NULL
          -- Gold copies never leave: an anti-join, as in item lists (`gold_id IS NULL` looks rare to the
          -- planner before statistics exist, and it would sort the whole task for every page).
          AND NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = items.id)
          AND ($3 OR decided_by <> 'auto')
          AND ($4::text IS NULL OR decision_action = $4)
          AND ($5::timestamptz IS NULL OR decided_at >= $5)
          AND ($6::timestamptz IS NULL OR decided_at < $6)
          AND ($7 = false OR final_output IS NOT NULL)
        """
    }

    private func bindings(after: UUID) -> PostgresBindings {
        var b = PostgresBindings(capacity: 11)
        b.append(filter.task); b.append(after); b.append(filter.includeAuto); b.append(filter.action?.rawValue)
        b.append(filter.since); b.append(filter.until); b.append(format == .chat)
        return b
    }

    /// One row: the lines of the rows after `after` and through `through` (to the end when nil), at most `limit`, in id
    /// order; their count; the last one's id. One row per page, not one per line: row by row, PostgresNIO's stream cost
    /// the server 20 µs of CPU per line (16.1 CPU-s for a 789k-row export that took 23.6 s). The subquery's
    /// ORDER BY … LIMIT feeds the plain aggregates in that order (nothing above it could reorder them).
    func lines(after: UUID, through: UUID?, limit: Int) -> PostgresQuery {
        var b = bindings(after: after)
        b.append(through); b.append(limit); b.append(ExportLines.chatPrefix(instructions))
        return PostgresQuery(unsafeSQL: """
            SELECT string_agg(line, ''), count(*)::int8, (array_agg(id))[count(*)]
            FROM (
                SELECT id, \(ExportLines.expression(format)) AS line
                \(Self.rows(also: ", (SELECT $10::text AS prefix) AS chat")) AND ($8::uuid IS NULL OR id <= $8)
                ORDER BY id
                LIMIT $9
            ) AS page
            """, binds: b)
    }

    /// The ids of the `every`-th, `2 × every`-th, … row after `after`, at most `count` of them: where the next pages end.
    /// Fewer than `count` means the rows ran out (the rest, under `every` rows, is one last page).
    func boundaries(after: UUID, every: Int, count: Int) -> PostgresQuery {
        var b = bindings(after: after)
        b.append(every); b.append(every * count)
        return PostgresQuery(unsafeSQL: """
            SELECT id FROM (
                SELECT id, row_number() OVER (ORDER BY id) AS n
                \(Self.rows())
                ORDER BY id
                LIMIT $9
            ) AS ahead
            WHERE n % $8 = 0
            ORDER BY id
            """, binds: b)
    }
}
