import Foundation
import PostgresNIO

extension RawBaseline {
    /// `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` of the claim statement reviewers run for one task. The soak prints it at
    /// each size: whether a claim at 10 million touches more pages, or reads them from outside shared buffers, than at 0.
    public func explainClaim(task: String, actor: String) async throws -> String {
        var bindings = PostgresBindings(capacity: 5)
        bindings.append(actor); bindings.append(Optional<[String]>.none); bindings.append(Date())
        bindings.append(Optional<Int>.none); bindings.append(task)
        return try await explain(ClaimStatement<OneTaskClaim>.sql, bindings)
    }

    /// `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)` of `sql`, run in a transaction that is rolled back (a claim explained
    /// is a claim made), so the database is left as it was. Explained twice, the second reported: a server's pooled
    /// connection has run it before, and the first run on a connection pays for planning PL/pgSQL it calls.
    public func explain(_ sql: String, _ bindings: PostgresBindings = PostgresBindings()) async throws -> String {
        try await client.withConnection { connection in
            try await connection.query("BEGIN", logger: logger)
            do {
                // Time spent reading pages, per plan node (a superuser setting; the benches' clusters are theirs).
                try await connection.query("SET LOCAL track_io_timing = on", logger: logger)
                var plan = ""
                let query = PostgresQuery(unsafeSQL: "EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) " + sql, binds: bindings)
                for _ in 0..<2 {
                    plan = ""
                    for try await text in try await connection.query(query, logger: logger).decode(String.self) { plan += text }
                }
                try await connection.query("ROLLBACK", logger: logger)
                return plan
            } catch {
                try? await connection.query("ROLLBACK", logger: logger)
                throw error
            }
        }
    }
}
