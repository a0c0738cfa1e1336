import Foundation
import LoupeDomain
import PostgresNIO

/// Few-shot search by text: BM25 over words and stems, fused with trigram similarity.
extension PostgresExampleRepository {
    /// BM25's constants: how fast repeated evidence saturates (k1) and how much long inputs are discounted (b).
    static let (k1, b) = (1.2, 0.75)

    /// Candidates are the examples holding the query's rarest terms (its words as written and their stems in the
    /// task's language; rarest by how many examples hold them, up to `postingBudget` postings in all, found through
    /// the GIN index). Each is ranked twice, by BM25 over the query's terms (inverse document frequencies from
    /// `example_terms`; a term counts once per example, inputs being short) and by pg_trgm similarity, which catches
    /// typos and ids, and the two ranks are fused (reciprocal rank fusion, k = 60). Only when that finds fewer than
    /// `atLeast` does it add the exact but slower KNN scan of the trigram GiST index. With `limit` 0 it ranks only `also`.
    public func nearest(task: String, query: String, limit: Int, atLeast: Int, also: [UUID]) async throws -> [Example] {
        var candidates: [Example] = []
        let statement = ExampleSearchStatement(task: task, query: query, limit: limit, also: also)
        for try await example in try await client.execute(statement, logger: logger) { candidates.append(example) }
        if candidates.count >= min(atLeast, limit) { return candidates }
        let nearest = try await fetch("""
            SELECT \(unescaped: Self.columns), similarity(input_text, \(query)) AS score, 0::float8 AS text_coverage
            FROM examples WHERE task = \(task) AND enabled
            ORDER BY input_text <-> \(query) LIMIT \(limit)
            """)
        let seen = Set(candidates.map(\.id))
        return candidates + nearest.filter { !seen.contains($0.id) }.sorted { ($0.score ?? 0) > ($1.score ?? 0) }
            .prefix(max(0, limit - candidates.count))
    }
}
