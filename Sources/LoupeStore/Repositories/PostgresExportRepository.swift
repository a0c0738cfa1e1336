import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// Decided items in keyset pages (by id), JSON columns as text so the export copies them verbatim.
public struct PostgresExportRepository: ExportRepository {
    let client: PostgresClient
    let logger: Logger

    public func page(_ filter: ExportFilter, after: UUID?, limit: Int) async throws -> [ExportRow] {
        let rows = try await client.query("""
            SELECT id, task, input::text, output::text, final_output::text, decision_action, confidence, prompt_version,
                   model, decided_by, decided_at
            FROM items
            WHERE task = \(filter.task) AND decision_action IS NOT NULL
              AND (\(filter.includeAuto) OR decided_by <> 'auto')
              AND (\(filter.action?.rawValue)::text IS NULL OR decision_action = \(filter.action?.rawValue))
              AND (\(filter.since)::timestamptz IS NULL OR decided_at >= \(filter.since))
              AND (\(filter.until)::timestamptz IS NULL OR decided_at < \(filter.until))
              AND (\(after)::uuid IS NULL OR id > \(after))
            ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var page: [ExportRow] = []
        page.reserveCapacity(limit)
        for try await (id, task, input, output, final, action, confidence, version, model, reviewer, at)
            in rows.decode((UUID, String, String, String, String?, String, Double, String?, String?, String, Date).self) {
            page.append(ExportRow(itemID: id, task: task, input: input, output: output, finalOutput: final, action: action,
                                  confidence: confidence, promptVersion: version, model: model, reviewer: reviewer, decidedAt: at))
        }
        return page
    }
}
