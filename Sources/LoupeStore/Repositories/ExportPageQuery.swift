import Foundation
import LoupeDomain
import LoupeJSON
import PostgresNIO

/// The export's two statements over one set of rows (a task's exportable items, in id order): the lines of an id range,
/// and the ids that cut the rows after a point into pages (from the index of people's decisions alone when no other
/// filter needs the row). PostgreSQL writes the lines itself (`loupe_export_page`, migrations 0032 and 0033), so
/// Loupe only forwards bytes. Both are prepared once per connection: an export runs them thousands
/// of times, and parsing them was 7% of PostgreSQL's CPU in a 1M-row export (`perf record -g` on the backends:
/// `parse_analyze_varparams` 4%, `raw_parser` 2.5%); their functions keep one plan per session (planning was 12%).
struct ExportPageQuery {
    let filter: ExportFilter
    let format: ExportFormat
    let instructions: String

    /// Ids no item has: the lower bound before the first page (intake's ids are UUIDv7, never all zero).
    static let start = UUID(uuid: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0))

    /// The types of `$1…$7` (format, task, after, include auto, action, since, until), declared: several are often null,
    /// whose type PostgreSQL would otherwise have to guess.
    static let filterTypes: [PostgresDataType] = [.text, .text, .uuid, .bool, .text, .timestamptz, .timestamptz]

    private func bindings(after: UUID) -> PostgresBindings {
        var b = PostgresBindings(capacity: 10)
        b.append(format.rawValue); b.append(filter.task); b.append(after); b.append(filter.includeAuto)
        b.append(filter.action?.rawValue); b.append(filter.since); b.append(filter.until)
        return b
    }

    /// The lines of the rows after `after` and through `through` (to the end when nil), at most `limit`, in id order.
    func lines(after: UUID, through: UUID?, limit: Int, on connection: PostgresConnection, logger: Logger) async throws -> ExportPage {
        var b = bindings(after: after)
        b.append(through); b.append(limit); b.append(Self.chatPrefix(instructions))
        var page = ExportPage()
        for try await row in try await connection.execute(ExportLinesStatement(bindings: b), logger: logger) { page = row }
        return page
    }

    /// The ids of the `every`-th, `2 × every`-th, … row after `after`, at most `count` of them: where the next pages end.
    /// Fewer than `count` means the rows ran out (the rest, under `every` rows, is one last page).
    func boundaries(after: UUID, every: Int, count: Int, on connection: PostgresConnection, logger: Logger) async throws -> [UUID] {
        var b = bindings(after: after)
        b.append(every); b.append(Int32(count))
        var found: [UUID] = []
        for try await id in try await connection.execute(ExportBoundariesStatement(bindings: b), logger: logger) { found.append(id) }
        return found
    }

    /// Everything in a chat line before the user's content: the system message (the task's instructions) when there is one.
    static func chatPrefix(_ instructions: String) -> String {
        var prefix = #"{"messages":["#
        if !instructions.isEmpty { prefix += #"{"role":"system","content":"# + JSONWriter.string(.string(instructions)) + "}," }
        return prefix + #"{"role":"user","content":"#
    }
}
