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
        let candidates = try await fetch("""
            WITH cfg AS (
                SELECT text_search_config::regconfig AS c FROM tasks WHERE name = \(task)
            ), words AS (
                SELECT DISTINCT term
                FROM cfg, unnest(tsvector_to_array(to_tsvector('simple'::regconfig, \(query)) || to_tsvector(cfg.c, \(query)))) AS term
            ), docs AS (
                SELECT greatest(coalesce(max(df), 1), 1) AS n FROM example_terms WHERE task = \(task) AND term = ''
            ), weights AS (
                -- A word no example holds still counts towards the query's whole weight (with the highest idf).
                SELECT w.term, coalesce(s.df, 0) AS df, ln(1 + (docs.n - coalesce(s.df, 0) + 0.5) / (coalesce(s.df, 0) + 0.5)) AS idf,
                       sum(s.df) OVER (ORDER BY s.df, w.term) AS postings
                FROM docs, words w LEFT JOIN example_terms s ON s.task = \(task) AND s.term = w.term AND s.df > 0
            ), chosen AS (
                SELECT array_agg(term) FILTER (WHERE df > 0 AND postings <= \(Self.postingBudget)) AS rare,
                       jsonb_object_agg(term, idf) FILTER (WHERE df > 0) AS idf, greatest(sum(idf), 1e-9) AS total
                FROM weights
            ), matched AS (
                SELECT e.id, similarity(e.input_text, \(query)) AS trigram, cardinality(e.terms) AS length,
                       (SELECT coalesce(sum((chosen.idf ->> t)::float8), 0) FROM unnest(e.terms) AS t WHERE chosen.idf ? t) AS weight,
                       chosen.total
                FROM chosen, examples e
                WHERE e.task = \(task) AND e.enabled AND ((\(limit) > 0 AND e.terms && chosen.rare) OR e.id = ANY(\(also)::uuid[]))
            ), ranked AS (
                SELECT id, trigram, weight / total AS coverage,
                       weight * \(Self.k1 + 1) / (1 + \(Self.k1) * (1 - \(Self.b) + \(Self.b) * length / greatest(avg(length) OVER (), 1))) AS bm25
                FROM matched
            ), fused AS (
                SELECT id, trigram, coverage, bm25,
                       1.0 / (60 + rank() OVER (ORDER BY bm25 DESC)) + 1.0 / (60 + rank() OVER (ORDER BY trigram DESC)) AS fused
                FROM ranked
            ), kept AS (
                SELECT *, row_number() OVER (ORDER BY fused DESC, bm25 DESC) AS position FROM fused
            )
            SELECT \(unescaped: Self.columns), k.trigram AS score, k.coverage AS text_coverage
            FROM kept k JOIN examples e USING (id)
            WHERE k.position <= \(limit) OR k.id = ANY(\(also)::uuid[])
            ORDER BY k.position, e.created_at DESC
            """)
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
