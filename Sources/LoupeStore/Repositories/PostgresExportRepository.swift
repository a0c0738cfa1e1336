import Foundation
import LoupeDomain
import Logging
import NIOCore
import PostgresNIO

/// Decided items as one streamed query: one statement is one snapshot, PostgreSQL may plan it in parallel
/// (a cursor may not), and PostgresNIO's back-pressure keeps memory flat while pages are sent.
///
/// PostgreSQL writes each line itself (JSONL, CSV or chat), so Loupe only forwards bytes: decoding eleven
/// columns per row in Swift held exports to about a quarter of `COPY TO` (loupe-bench, 1M rows).
public struct PostgresExportRepository: ExportRepository {
    let client: PostgresClient
    let logger: Logger

    public func stream(_ filter: ExportFilter, format: ExportFormat, instructions: String, pageSize: Int,
                       page: (_ lines: [UInt8], _ rows: Int) async throws -> Void) async throws {
        try await client.withConnection { connection in
            let rows = try await connection.query("""
                SELECT \(unescaped: ExportLines.expression(format)) AS line
                FROM items, (SELECT \(ExportLines.chatPrefix(instructions))::text AS prefix) AS chat
                WHERE task = \(filter.task) AND decision_action IS NOT NULL
                  AND (\(filter.includeAuto) OR decided_by <> 'auto')
                  AND (\(filter.action?.rawValue)::text IS NULL OR decision_action = \(filter.action?.rawValue))
                  AND (\(filter.since)::timestamptz IS NULL OR decided_at >= \(filter.since))
                  AND (\(filter.until)::timestamptz IS NULL OR decided_at < \(filter.until))
                  AND (\(format == .chat) = false OR final_output IS NOT NULL)
                ORDER BY id
                """, logger: logger)
            var lines: [UInt8] = []
            var count = 0
            lines.reserveCapacity(pageSize * 256)
            for try await row in rows {
                if let bytes = row.first?.bytes { lines.append(contentsOf: bytes.readableBytesView) }
                count += 1
                if count == pageSize {
                    try await page(lines, count)
                    lines.removeAll(keepingCapacity: true)
                    count = 0
                }
            }
            if count > 0 { try await page(lines, count) }
        }
    }
}
