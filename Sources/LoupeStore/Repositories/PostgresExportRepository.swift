import Foundation
import LoupeDomain
import Logging
import NIOCore
import PostgresNIO

/// Decided items in id order, one bounded page per statement.
///
/// PostgreSQL writes each line itself (JSONL, CSV or chat), so Loupe only forwards bytes: decoding eleven
/// columns per row in Swift held exports to about a quarter of `COPY TO` (loupe-bench, 1M rows).
///
/// Pages, not one long statement: PostgresNIO's row stream buffers up to 16k rows ahead of its reader, so a
/// stalled client held ~14 MiB and a pooled connection each (issue 11). A page is fetched only after the
/// previous one was handed to the socket, and the connection goes back to the pool in between, so a
/// stalled reader holds at most two pages and no connection.
public struct PostgresExportRepository: ExportRepository {
    let client: ReadPool
    let logger: Logger

    public func stream(_ filter: ExportFilter, format: ExportFormat, instructions: String, pageBytes: Int,
                       page: (_ lines: [UInt8], _ rows: Int) async throws -> Void) async throws {
        var after: UUID?
        var limit = 256
        while true {
            let (lines, rows, last) = try await fetch(filter, format: format, instructions: instructions, after: after, limit: limit)
            if rows > 0 { try await page(lines, rows) }
            guard rows == limit, let last else { return }
            after = last
            // Aim each page at `pageBytes` whatever the row size: rows of 200 bytes and of 200 KB both stay bounded.
            let perRow = max(1, lines.count / rows)
            limit = min(4096, max(1, pageBytes / perRow))
        }
    }

    private func fetch(_ filter: ExportFilter, format: ExportFormat, instructions: String, after: UUID?,
                       limit: Int) async throws -> ([UInt8], Int, UUID?) {
        try await client.withConnection { connection in
            let rows = try await connection.query("""
                SELECT id, \(unescaped: ExportLines.expression(format)) AS line
                FROM items, (SELECT \(ExportLines.chatPrefix(instructions))::text AS prefix) AS chat
                WHERE task = \(filter.task) AND (\(after)::uuid IS NULL OR id > \(after))
                  AND decision_action IS NOT NULL AND erased_at IS NULL AND gold_id IS NULL
                  AND (\(filter.includeAuto) OR decided_by <> 'auto')
                  AND (\(filter.action?.rawValue)::text IS NULL OR decision_action = \(filter.action?.rawValue))
                  AND (\(filter.since)::timestamptz IS NULL OR decided_at >= \(filter.since))
                  AND (\(filter.until)::timestamptz IS NULL OR decided_at < \(filter.until))
                  AND (\(format == .chat) = false OR final_output IS NOT NULL)
                ORDER BY id
                LIMIT \(limit)
                """, logger: logger)
            var lines: [UInt8] = []
            var count = 0
            var last: UUID?
            for try await row in rows {
                let randomAccess = row.makeRandomAccess()
                last = try randomAccess[0].decode(UUID.self)
                if let bytes = randomAccess[1].bytes { lines.append(contentsOf: bytes.readableBytesView) }
                count += 1
            }
            return (lines, count, last)
        }
    }
}
