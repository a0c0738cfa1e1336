import Foundation
import LoupeDomain
import PostgresNIO

/// The export's two statements over one set of rows (a task's exportable items, in id order): the lines of an id range,
/// and the ids that cut the rows after a point into pages. Both are prepared once per connection (and format): an
/// export runs them thousands of times, and parsing them was 7% of PostgreSQL's CPU in a 1M-row export (`perf record -g`
/// on the backends: `parse_analyze_varparams` 4%, `raw_parser` 2.5%); PostgreSQL 12.4 → 11.1–11.7 CPU-s. Each run is
/// still planned (12% of that CPU): the generic plan, costed for an unknown LIMIT, never looks cheaper than a custom one.
struct ExportPageQuery {
    let filter: ExportFilter
    let format: ExportFormat
    let instructions: String

    /// Ids no item has: the lower bound before the first page (intake's ids are UUIDv7, never all zero).
    static let start = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The rows of `$1…$7`: the task, after `$2`, and the filter's conditions.
    static func rows() -> String {
        """
        FROM items
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

    /// The types of `$1…$7`, declared: several are often null, whose type PostgreSQL would otherwise have to guess.
    static let filterTypes: [PostgresDataType] = [.text, .uuid, .bool, .text, .timestamptz, .timestamptz, .bool]

    private func bindings(after: UUID) -> PostgresBindings {
        var b = PostgresBindings(capacity: 10)
        b.append(filter.task); b.append(after); b.append(filter.includeAuto); b.append(filter.action?.rawValue)
        b.append(filter.since); b.append(filter.until); b.append(format == .chat)
        return b
    }

    /// The lines of the rows after `after` and through `through` (to the end when nil), at most `limit`, in id order.
    func lines(after: UUID, through: UUID?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> ExportPage {
        var b = bindings(after: after)
        b.append(through); b.append(limit); b.append(ExportLines.chatPrefix(instructions))
        switch format {
        case .jsonl: return try await Self.first(ExportLinesStatement<JSONLLines>(bindings: b), on: connection, logger: logger)
        case .csv: return try await Self.first(ExportLinesStatement<CSVLines>(bindings: b), on: connection, logger: logger)
        case .chat: return try await Self.first(ExportLinesStatement<ChatLines>(bindings: b), on: connection, logger: logger)
        }
    }

    /// The ids of the `every`-th, `2 × every`-th, … row after `after`, at most `count` of them: where the next pages end.
    /// Fewer than `count` means the rows ran out (the rest, under `every` rows, is one last page).
    func boundaries(after: UUID, every: Int, count: Int, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        var b = bindings(after: after)
        b.append(every); b.append(every * count)
        var found: [UUID] = []
        for try await id in try await connection.execute(ExportBoundariesStatement(bindings: b), logger: logger) { found.append(id) }
        return found
    }

    private static func first<S: PostgresPreparedStatement>(_ statement: S, on connection: PostgresConnection,
                                                             logger: Logger) async throws -> ExportPage where S.Row == ExportPage {
        var page = ExportPage()
        for try await row in try await connection.execute(statement, logger: logger) { page = row }
        return page
    }
}
