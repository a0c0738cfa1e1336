import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Few-shot examples; nearest-first narrows by rare lexemes (GIN) and ranks by BM25 fused with pg_trgm similarity.
public struct PostgresExampleRepository: ExampleRepository {
    let client: GatedPool
    let logger: Logger

    static let columns = """
        id, task, source_item, input::text AS input, input_text, output::text AS output, kind, prompt_version, model,
        reviewer, enabled, created_at
        """
    /// The columns `fetch` decodes beside `columns`, for queries that rank nothing.
    static let unranked = "NULL::float8 AS score, NULL::float8 AS text_coverage"

    /// Postings the rare-word step may read. Each costs a heap visit and a similarity, so this bounds the
    /// query's time; a word beyond it is too common to narrow anything down anyway.
    static let postingBudget = 1000

    public func get(ids: [UUID]) async throws -> [Example] {
        try await fetch("""
            SELECT \(unescaped: Self.columns), \(unescaped: Self.unranked) FROM examples
            WHERE id = ANY(\(ids)) AND enabled
            """)
    }

    public func embeddings(task: String, ids: [UUID]?, after: UUID?, limit: Int) async throws -> [(id: UUID, embedding: Embedding)] {
        let rows = try await client.query("""
            SELECT id, embedding FROM examples
            WHERE task = \(task) AND enabled AND embedding IS NOT NULL AND (\(ids)::uuid[] IS NULL OR id = ANY(\(ids)))
                AND (\(after)::uuid IS NULL OR id > \(after))
            ORDER BY id LIMIT \(limit)
            """, logger: logger)
        var page: [(id: UUID, embedding: Embedding)] = []
        for try await (id, bytes) in rows.decode((UUID, ByteBuffer).self) {
            if let embedding = bytes.withUnsafeReadableBytes({ Embedding(littleEndian: $0) }) { page.append((id, embedding)) }
        }
        return page
    }

    public func recent(task: String, limit: Int) async throws -> [Example] {
        try await fetch("""
            SELECT \(unescaped: Self.columns), \(unescaped: Self.unranked) FROM examples
            WHERE task = \(task) AND enabled ORDER BY created_at DESC LIMIT \(limit)
            """)
    }

    public func list(task: String, after: UUID?, limit: Int) async throws -> [Example] {
        try await fetch("""
            SELECT \(unescaped: Self.columns), \(unescaped: Self.unranked) FROM examples
            WHERE task = \(task) AND (\(after)::uuid IS NULL OR id > \(after)) ORDER BY id LIMIT \(limit)
            """)
    }

    public func setEnabled(id: UUID, enabled: Bool) async throws -> Example? {
        try await fetch("""
            UPDATE examples SET enabled = \(enabled) WHERE id = \(id)
            RETURNING \(unescaped: Self.columns), \(unescaped: Self.unranked)
            """).first
    }

    func fetch(_ query: PostgresQuery) async throws -> [Example] {
        var result: [Example] = []
        for try await row in try await client.query(query, logger: logger) { result.append(try Self.decode(row)) }
        return result
    }

    static func decode(_ row: PostgresRow) throws -> Example {
        let r = row.makeRandomAccess()
        return Example(
            id: try r.value("id"), task: try r.value("task"), sourceItem: try r.value("source_item"), input: try r.json("input"),
            inputText: try r.value("input_text"), output: try r.json("output"), kind: try r.value("kind"),
            promptVersion: try r.value("prompt_version"), model: try r.value("model"), reviewer: try r.value("reviewer"),
            enabled: try r.value("enabled"), createdAt: try r.value("created_at"), score: try r.value("score", as: Double?.self),
            textCoverage: try r.value("text_coverage", as: Double?.self))
    }
}
