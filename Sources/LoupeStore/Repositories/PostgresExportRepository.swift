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
/// stalled client held ~14 MiB and a pooled connection each (issue 11). A page is fetched while the one before
/// it is handed to the socket, never further ahead, and the connection goes back to the pool after each page,
/// so a stalled reader holds at most a few pages and no connection.
public struct PostgresExportRepository: ExportRepository {
    let client: ReadPool
    let logger: Logger

    public func stream(_ filter: ExportFilter, format: ExportFormat, instructions: String, pageBytes: Int,
                       page: (_ lines: [UInt8], _ rows: Int) async throws -> Void) async throws {
        var limit = 256
        var current = try await fetch(filter, format: format, instructions: instructions, after: nil, limit: limit)
        while true {
            let (lines, rows, last) = current
            guard rows == limit, let last else {
                if rows > 0 { try await page(lines, rows) }
                return
            }
            // Aim each page at `pageBytes` whatever the row size: rows of 200 bytes and of 200 KB both stay bounded.
            let next = min(4096, max(1, pageBytes / max(1, lines.count / rows)))
            // The next page is read while this one goes to the socket (one page ahead, not more: a stalled reader
            // holds two pages and, once the read is done, no connection). One after the other, each page's round
            // trip and each write waited for the other: 0.31–0.38 × COPY.
            async let ahead = fetch(filter, format: format, instructions: instructions, after: last, limit: next)
            try await page(lines, rows)
            current = try await ahead
            limit = next
        }
    }

    private func fetch(_ filter: ExportFilter, format: ExportFormat, instructions: String, after: UUID?,
                       limit: Int) async throws -> ([UInt8], Int, UUID?) {
        try await client.withConnection { connection in
            let rows = try await connection.query("""
                SELECT id, \(unescaped: ExportLines.expression(format)) AS line
                FROM items, (SELECT \(ExportLines.chatPrefix(instructions))::text AS prefix) AS chat
                WHERE task = \(filter.task) AND (\(after)::uuid IS NULL OR id > \(after))
                  AND decision_action IS NOT NULL AND erased_at IS NULL
                  -- Gold copies never leave: an anti-join, as in item lists (`gold_id IS NULL` looks rare to the
                  -- planner before statistics exist, and it would sort the whole task for every page).
                  AND NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = items.id)
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
