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
/// stalled client held ~14 MiB and a pooled connection each (issue 11). Three pages are read while the one before
/// them goes to the socket, never more, and each connection goes back to the pool after its page, so a stalled
/// reader holds at most a few pages and no connection.
///
/// Several at once because writing the lines is PostgreSQL's work (jsonb to text, to_char, concatenation), about
/// 1 ms per 80-row page, and one page after another kept one backend busy while the other core idled (then:
/// 31,500 rows/s, 0.39 × `\copy` of the same rows, 789k rows of 1.6 KB). A cheap statement first finds where the next
/// pages end; then their lines are read on several connections side by side and written in order. Three, not two:
/// with two, each backend idled half the time (`top` during a 1M-row export: 65% and 52% of a core, Loupe 45%), its
/// page read and waiting behind the one being written; 1M small rows took 9.4–10.1 s with two and 7.1–8.6 s with three
/// (same build otherwise).
public struct PostgresExportRepository: ExportRepository {
    let client: ReadPool
    let logger: Logger

    /// Pages read at once, ahead of the one being written.
    static let lanes = 3
    /// Page ends found per planning statement.
    static let plannedAhead = 8

    /// Rows after `after` through `through` (to the end when nil).
    struct Span {
        let after: UUID
        let through: UUID?
    }

    public func stream(_ filter: ExportFilter, format: ExportFormat, instructions: String, pageBytes: Int,
                       page: (_ lines: [UInt8], _ rows: Int) async throws -> Void) async throws {
        let query = ExportPageQuery(filter: filter, format: format, instructions: instructions)
        // The first page finds the row size; it assumes rows of 512 bytes (256 rows at the default 128 KiB).
        let firstLimit = max(1, min(256, pageBytes / 512))
        let first = try await lines(query, after: ExportPageQuery.start, through: nil, limit: firstLimit)
        guard first.rows == firstLimit, let start = first.last else {
            if first.rows > 0 { try await page(first.lines, first.rows) }
            return
        }
        // Aim each page at `pageBytes` whatever the row size: rows of 200 bytes and of 200 KB both stay bounded.
        let perPage = min(4096, max(1, pageBytes / max(1, first.lines.count / first.rows)))
        // A page holds what its span held when planned; items decided since then may add more, up to this many rows.
        let cap = perPage * 4
        var planner = SpanPlanner(cursor: start)
        var reading: [(span: Span, task: Task<ExportPage, Error>)] = []
        defer { for read in reading { read.task.cancel() } }

        func readAhead() async throws {
            while reading.count < Self.lanes {
                if planner.spans.isEmpty, !planner.finished {
                    let ends = try await pageEnds(query, after: planner.cursor, every: perPage)
                    planner.plan(ends, complete: ends.count == Self.plannedAhead)
                }
                guard let span = planner.next() else { return }
                reading.append((span, Task { try await lines(query, after: span.after, through: span.through, limit: cap) }))
            }
        }

        try await readAhead()
        try await page(first.lines, first.rows)
        while !reading.isEmpty {
            let (span, task) = reading.removeFirst()
            var current = try await task.value
            try await readAhead()
            if current.rows > 0 { try await page(current.lines, current.rows) }
            // A span that filled its cap (items decided after the plan) is read on, in order, before the next one.
            while current.rows == cap, let last = current.last {
                guard span.through != nil else {
                    // The open last span: plan the rows after it (nothing else is being read).
                    planner.resume(after: last)
                    try await readAhead()
                    break
                }
                current = try await lines(query, after: last, through: span.through, limit: cap)
                if current.rows > 0 { try await page(current.lines, current.rows) }
            }
        }
    }

    private func lines(_ query: ExportPageQuery, after: UUID, through: UUID?, limit: Int) async throws -> ExportPage {
        try await client.withConnection { connection in
            try await query.lines(after: after, through: through, limit: limit, on: connection, logger: logger)
        }
    }

    private func pageEnds(_ query: ExportPageQuery, after: UUID, every: Int) async throws -> [UUID] {
        try await client.withConnection { connection in
            try await query.boundaries(after: after, every: every, count: Self.plannedAhead, on: connection, logger: logger)
        }
    }
}
