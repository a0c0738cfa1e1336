import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// Decided items through a cursor in one transaction: one consistent snapshot, a fast-start plan that
/// walks the (task, id) index whatever the statistics say, and pages fetched one at a time.
public struct PostgresExportRepository: ExportRepository {
    let client: PostgresClient
    let logger: Logger

    public func stream(_ filter: ExportFilter, pageSize: Int, page: ([ExportRow]) async throws -> Void) async throws {
        try await client.withTransaction(logger: logger) { connection in
            // Keyset pages planned one by one can pick a full sort per page on stale statistics
            // (quadratic on a freshly loaded table); a cursor is planned once, for fast start.
            try await connection.query("""
                DECLARE loupe_export NO SCROLL CURSOR FOR
                SELECT id, task, input::text, output::text, final_output::text, decision_action, confidence, prompt_version,
                       model, decided_by, decided_at
                FROM items
                WHERE task = \(filter.task) AND decision_action IS NOT NULL
                  AND (\(filter.includeAuto) OR decided_by <> 'auto')
                  AND (\(filter.action?.rawValue)::text IS NULL OR decision_action = \(filter.action?.rawValue))
                  AND (\(filter.since)::timestamptz IS NULL OR decided_at >= \(filter.since))
                  AND (\(filter.until)::timestamptz IS NULL OR decided_at < \(filter.until))
                ORDER BY id
                """, logger: logger)
            while true {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "FETCH \(pageSize) FROM loupe_export"), logger: logger)
                var batch: [ExportRow] = []
                batch.reserveCapacity(pageSize)
                for try await (id, task, input, output, final, action, confidence, version, model, reviewer, at)
                    in rows.decode((UUID, String, String, String, String?, String, Double, String?, String?, String, Date).self) {
                    batch.append(ExportRow(itemID: id, task: task, input: input, output: output, finalOutput: final, action: action,
                                           confidence: confidence, promptVersion: version, model: model, reviewer: reviewer, decidedAt: at))
                }
                if batch.isEmpty { break }
                try await page(batch)
                if batch.count < pageSize { break }
            }
        }
    }
}
