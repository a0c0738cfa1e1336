import Logging
import PostgresNIO

/// The connection pool as repositories use it: every query first takes a place at the `ConnectionGate`,
/// so a request waits a bounded time for a connection or is refused at once.
struct GatedPool: Sendable {
    let client: PostgresClient
    let gate: ConnectionGate

    func query(_ query: PostgresQuery, logger: Logger, file: String = #fileID, line: Int = #line) async throws -> PostgresRowSequence {
        try await gate.admit { try await client.query(query, logger: logger, file: file, line: line) }
    }

    func execute<Statement: PostgresPreparedStatement, Row>(_ statement: Statement, logger: Logger, file: String = #fileID,
                                                             line: Int = #line) async throws
        -> AsyncThrowingMapSequence<PostgresRowSequence, Row> where Row == Statement.Row {
        try await gate.admit { try await client.execute(statement, logger: logger, file: file, line: line) }
    }

    func withConnection<Result>(_ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        try await gate.admit { try await client.withConnection(body) }
    }
}
