import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Few-shot examples; nearest-first uses pg_trgm's KNN operator on a GiST index.
public struct PostgresExampleRepository: ExampleRepository {
    let client: PostgresClient
    let logger: Logger

    static let columns = """
        id, task, source_item, input::text AS input, input_text, output::text AS output, kind, prompt_version, model,
        reviewer, enabled, created_at
        """

    public func nearest(task: String, query: String, limit: Int) async throws -> [Example] {
        try await fetch("""
            SELECT \(unescaped: Self.columns), similarity(input_text, \(query)) AS score
            FROM examples WHERE task = \(task) AND enabled
            ORDER BY input_text <-> \(query) LIMIT \(limit)
            """)
    }

    public func recent(task: String, limit: Int) async throws -> [Example] {
        try await fetch("""
            SELECT \(unescaped: Self.columns), NULL::float8 AS score FROM examples
            WHERE task = \(task) AND enabled ORDER BY created_at DESC LIMIT \(limit)
            """)
    }

    public func list(task: String, after: UUID?, limit: Int) async throws -> [Example] {
        try await fetch("""
            SELECT \(unescaped: Self.columns), NULL::float8 AS score FROM examples
            WHERE task = \(task) AND (\(after)::uuid IS NULL OR id > \(after)) ORDER BY id LIMIT \(limit)
            """)
    }

    public func setEnabled(id: UUID, enabled: Bool) async throws -> Example? {
        try await fetch("""
            UPDATE examples SET enabled = \(enabled) WHERE id = \(id)
            RETURNING \(unescaped: Self.columns), NULL::float8 AS score
            """).first
    }

    private func fetch(_ query: PostgresQuery) async throws -> [Example] {
        var result: [Example] = []
        for try await row in try await client.query(query, logger: logger) {
            let r = row.makeRandomAccess()
            result.append(Example(
                id: try r.value("id"), task: try r.value("task"), sourceItem: try r.value("source_item"), input: try r.json("input"),
                inputText: try r.value("input_text"), output: try r.json("output"), kind: try r.value("kind"),
                promptVersion: try r.value("prompt_version"), model: try r.value("model"), reviewer: try r.value("reviewer"),
                enabled: try r.value("enabled"), createdAt: try r.value("created_at"), score: try r.value("score", as: Double?.self)))
        }
        return result
    }
}
