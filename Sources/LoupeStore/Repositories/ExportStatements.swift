import Foundation
import LoupeDomain
import PostgresNIO

/// One page of an export: its lines, how many, and the last one's id.
struct ExportPage: Sendable {
    var lines: [UInt8] = []
    var rows = 0
    var last: UUID?
}

/// A format whose lines are one prepared statement (a type, so each format is prepared under its own name).
protocol ExportLineFormat: Sendable {
    static var format: ExportFormat { get }
}

enum JSONLLines: ExportLineFormat { static var format: ExportFormat { .jsonl } }
enum CSVLines: ExportLineFormat { static var format: ExportFormat { .csv } }
enum ChatLines: ExportLineFormat { static var format: ExportFormat { .chat } }

/// One row: the lines of the rows after `$2` and through `$8` (to the end when null), at most `$9`, in id order; their
/// count; the last one's id. One row per page, not one per line: row by row, PostgresNIO's stream cost the server
/// 20 µs of CPU per line (16.1 CPU-s for a 789k-row export that took 23.6 s). The subquery's ORDER BY … LIMIT feeds
/// the plain aggregates in that order (nothing above it could reorder them), and the lines are written there from
/// its columns.
struct ExportLinesStatement<Format: ExportLineFormat>: PostgresPreparedStatement {
    typealias Row = ExportPage

    static var sql: String {
        """
        SELECT string_agg(\(ExportLines.line(Format.format)), ''), count(*)::int8, (array_agg(id))[count(*)]
        FROM (
            SELECT id, \(ExportLines.columns(Format.format))
            \(ExportPageQuery.rows()) AND ($8::uuid IS NULL OR id <= $8)
            ORDER BY id
            LIMIT $9
        ) AS page
        """
    }

    static var bindingDataTypes: [PostgresDataType] { ExportPageQuery.filterTypes + [.uuid, .int8, .text] }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> ExportPage {
        let columns = row.makeRandomAccess()
        var page = ExportPage()
        if let bytes = columns[0].bytes { page.lines = Array(bytes.readableBytesView) }
        page.rows = try columns[1].decode(Int.self)
        page.last = try columns[2].decode(UUID?.self)
        return page
    }
}

/// The ids of every `$8`-th row after `$2`, within the first `$9`: where the next pages end.
struct ExportBoundariesStatement: PostgresPreparedStatement {
    typealias Row = UUID

    static let sql = """
        SELECT id FROM (
            SELECT id, row_number() OVER (ORDER BY id) AS n
            \(ExportPageQuery.rows())
            ORDER BY id
            LIMIT $9
        ) AS ahead
        WHERE n % $8 = 0
        ORDER BY id
        """

    static var bindingDataTypes: [PostgresDataType] { ExportPageQuery.filterTypes + [.int8, .int8] }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> UUID { try row.decode(UUID.self) }
}
