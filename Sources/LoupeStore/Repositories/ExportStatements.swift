import Foundation
import LoupeDomain
import PostgresNIO

/// One page of an export: its lines, how many, and the last one's id.
struct ExportPage: Sendable {
    var lines: [UInt8] = []
    var rows = 0
    var last: UUID?
}

/// One row: the lines of the rows after `$3` and through `$8` (to the end when null), at most `$9`, in id order; their
/// count; the last one's id (`loupe_export_page`, migrations 0032 and 0033, writes them). One row per page, not one per line:
/// row by row, PostgresNIO's stream cost the server 20 µs of CPU per line (16.1 CPU-s for a 789k-row export that took
/// 23.6 s).
struct ExportLinesStatement: PostgresPreparedStatement {
    typealias Row = ExportPage

    static let sql = "SELECT page_lines, page_rows, page_last FROM loupe_export_page($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"

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

/// The ids of the `$8`-th, `2 × $8`-th, … row after `$3`, at most `$9` of them (`loupe_export_page_ends`, migration
/// 0033): where the next pages end.
struct ExportBoundariesStatement: PostgresPreparedStatement {
    typealias Row = UUID

    static let sql = "SELECT page_end FROM loupe_export_page_ends($1, $2, $3, $4, $5, $6, $7, $8, $9)"

    static var bindingDataTypes: [PostgresDataType] { ExportPageQuery.filterTypes + [.int8, .int4] }

    let bindings: PostgresBindings

    func makeBindings() -> PostgresBindings { bindings }

    func decodeRow(_ row: PostgresRow) throws -> UUID { try row.decode(UUID.self) }
}
