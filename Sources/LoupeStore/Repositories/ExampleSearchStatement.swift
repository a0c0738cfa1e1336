import Foundation
import LoupeDomain
import PostgresNIO

/// Few-shot search by text (`PostgresExampleRepository.nearest`), prepared once per connection: planning this
/// statement of eight CTEs took 5–9 ms in `EXPLAIN (ANALYZE, SUMMARY)` beside 33–78 ms of execution on a loaded machine,
/// on every query. After five runs PostgreSQL may keep a generic plan; the candidates come from the CTEs rather than
/// from the parameters, and `loupe-bench --only feedback` (hundreds of queries per connection) measured it: p50 8.8 ms
/// at 100k examples on an hour whose floor ran at half speed, against 11.1 ms unprepared the stop before. The cost is
/// per candidate (pg_trgm's `similarity` 13.4 µs a call on the 2-core Xeon, the BM25 weight 3.6 µs), so each is
/// computed once: with `matched` materialised, 200 of the bench's queries in `psql` averaged 3.3–5.0 ms against 4.4–6.9
/// (three alternating rounds), with the same rows out.
struct ExampleSearchStatement: PostgresPreparedStatement {
    typealias Row = Example

    static let sql = """
        WITH cfg AS (
            SELECT text_search_config::regconfig AS c FROM tasks WHERE name = $1
        ), words AS (
            SELECT DISTINCT term
            FROM cfg, unnest(tsvector_to_array(to_tsvector('simple'::regconfig, $2) || to_tsvector(cfg.c, $2))) AS term
        ), docs AS (
            SELECT greatest(coalesce(max(df), 1), 1) AS n FROM example_terms WHERE task = $1 AND term = ''
        ), weights AS (
            -- A word no example holds still counts towards the query's whole weight (with the highest idf).
            SELECT w.term, coalesce(s.df, 0) AS df, ln(1 + (docs.n - coalesce(s.df, 0) + 0.5) / (coalesce(s.df, 0) + 0.5)) AS idf,
                   sum(s.df) OVER (ORDER BY s.df, w.term) AS postings
            FROM docs, words w LEFT JOIN example_terms s ON s.task = $1 AND s.term = w.term AND s.df > 0
        ), chosen AS (
            SELECT array_agg(term) FILTER (WHERE df > 0 AND postings <= \(PostgresExampleRepository.postingBudget)) AS rare,
                   jsonb_object_agg(term, idf) FILTER (WHERE df > 0) AS idf, greatest(sum(idf), 1e-9) AS total
            FROM weights
        ), matched AS MATERIALIZED (
            -- Materialised: inlined, each candidate's weight subquery ran twice (coverage and BM25 both name it).
            SELECT e.id, similarity(e.input_text, $2) AS trigram, cardinality(e.terms) AS length,
                   (SELECT coalesce(sum((chosen.idf ->> t)::float8), 0) FROM unnest(e.terms) AS t WHERE chosen.idf ? t) AS weight,
                   chosen.total
            FROM chosen, examples e
            WHERE e.task = $1 AND e.enabled AND (($3 > 0 AND e.terms && chosen.rare) OR e.id = ANY($4::uuid[]))
        ), ranked AS (
            SELECT id, trigram, weight / total AS coverage,
                   weight * \(PostgresExampleRepository.k1 + 1) / (1 + \(PostgresExampleRepository.k1) * (1 - \(PostgresExampleRepository.b) + \(PostgresExampleRepository.b) * length / greatest(avg(length) OVER (), 1))) AS bm25
            FROM matched
        ), fused AS (
            SELECT id, trigram, coverage, bm25,
                   1.0 / (60 + rank() OVER (ORDER BY bm25 DESC)) + 1.0 / (60 + rank() OVER (ORDER BY trigram DESC)) AS fused
            FROM ranked
        ), kept AS (
            SELECT *, row_number() OVER (ORDER BY fused DESC, bm25 DESC) AS position FROM fused
        )
        SELECT \(PostgresExampleRepository.columns), k.trigram AS score, k.coverage AS text_coverage
        FROM kept k JOIN examples e USING (id)
        WHERE k.position <= $3 OR k.id = ANY($4::uuid[])
        ORDER BY k.position, e.created_at DESC
        """

    /// Declared: the `also` ids are often an empty array, whose element type PostgresNIO cannot send.
    static var bindingDataTypes: [PostgresDataType] { [.text, .text, .int8, .uuidArray] }

    let task: String
    let query: String
    let limit: Int
    let also: [UUID]

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 4)
        b.append(task); b.append(query); b.append(limit); b.append(also)
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> Example { try PostgresExampleRepository.decode(row) }
}
