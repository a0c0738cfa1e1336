import Foundation
import Logging
import PostgresNIO
import ServiceLifecycle

/// The physical limit Loupe's figures are compared with: the same item rows written straight
/// through PostgresNIO, with none of Loupe's work (auth, parsing, validation, routing, history).
public final class RawBaseline: Sendable {
    let client: PostgresClient
    let logger: Logger

    public init(location: DatabaseLocation, connections: Int, logger: Logger) {
        var configuration = location.clientConfiguration
        configuration.options.maximumConnections = connections
        configuration.options.minimumConnections = connections
        client = PostgresClient(configuration: configuration, backgroundLogger: logger)
        self.logger = logger
    }

    public var service: any Service { client }

    /// One approved item row, as intake writes it, in one autocommit statement.
    public func insertOne(task: String, body: String) async throws {
        try await client.query("""
            INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action,
                               decided_by, decided_at, auto_approved_at, created_at, updated_at)
            VALUES (gen_random_uuid(), \(task), 'approved', \(body)::jsonb, \(body)::jsonb, 0.93, '[]', \(body)::jsonb,
                    'approve', 'auto', now(), now(), now(), now())
            """, logger: logger)
    }

    /// `count` such rows in one multi-row statement.
    public func insertBatch(task: String, body: String, count: Int) async throws {
        try await client.query("""
            INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action,
                               decided_by, decided_at, auto_approved_at, created_at, updated_at)
            SELECT gen_random_uuid(), \(task), 'approved', b::jsonb, b::jsonb, 0.93, '[]', b::jsonb,
                   'approve', 'auto', now(), now(), now(), now()
            FROM unnest(\(Array(repeating: body, count: count))::text[]) AS b
            """, logger: logger)
    }

    public func count(task: String) async throws -> Int {
        for try await n in try await client.query("SELECT count(*) FROM items WHERE task = \(task)", logger: logger).decode(Int.self) {
            return n
        }
        return 0
    }
}
