import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Few-shot examples; nearest-first narrows by rare words (GIN) and ranks by pg_trgm similarity.
public struct PostgresExampleRepository: ExampleRepository {
    let client: GatedPool
    let logger: Logger

    static let columns = """
        id, task, source_item, input::text AS input, input_text, output::text AS output, kind, prompt_version, model,
        reviewer, enabled, created_at
        """

    /// Postings the rare-word step may read. Each costs a heap visit and a similarity, so this bounds the
    /// query's time; a word beyond it is too common to narrow anything down anyway.
    static let postingBudget = 1000

    /// The query's rarest words (by how many examples hold them, up to `postingBudget` postings in all)
    /// pick candidates through the GIN index, and trigram similarity ranks them. Only when that finds
    /// fewer than `atLeast` does it fall back to the exact but slower KNN scan of the trigram GiST index.
    public func nearest(task: String, query: String, limit: Int, atLeast: Int) async throws -> [Example] {
        let candidates = try await fetch("""
            WITH words AS (
                SELECT DISTINCT term FROM unnest(tsvector_to_array(to_tsvector('simple'::regconfig, \(query)))) AS term
            ), ranked AS (
                SELECT s.term, sum(s.df) OVER (ORDER BY s.df, s.term) AS postings
                FROM example_terms s JOIN words USING (term) WHERE s.task = \(task)
            ), chosen AS (
                SELECT array_agg(term) AS terms FROM ranked WHERE postings <= \(Self.postingBudget)
            )
            SELECT \(unescaped: Self.columns), similarity(e.input_text, \(query)) AS score
            FROM chosen, examples e
            WHERE e.task = \(task) AND e.enabled AND e.terms && chosen.terms
            ORDER BY score DESC, e.created_at DESC LIMIT \(limit)
            """)
        if candidates.count >= min(atLeast, limit) { return candidates }
        let nearest = try await fetch("""
            SELECT \(unescaped: Self.columns), similarity(input_text, \(query)) AS score
            FROM examples WHERE task = \(task) AND enabled
            ORDER BY input_text <-> \(query) LIMIT \(limit)
            """)
        let seen = Set(candidates.map(\.id))
        return (candidates + nearest.filter { !seen.contains($0.id) })
            .sorted { ($0.score ?? 0) > ($1.score ?? 0) }
            .prefix(limit).map { $0 }
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
