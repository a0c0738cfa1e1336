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

extension RawBaseline {
    /// `count` human-corrected items of `task`, written by one statement (for export benchmarks).
    public func seedDecided(task: String, count: Int) async throws {
        try await client.query("""
            INSERT INTO items (id, task, status, input, output, confidence, prompt_version, model, reasons, final_output,
                               decision_action, decided_by, decided_at, queue_state, created_at, updated_at)
            -- Time-ordered ids like the UUIDv7 Loupe gives items (a random v4 id per row would scatter id order over the heap).
            SELECT (lpad(to_hex((extract(epoch FROM now()) * 1000)::bigint + g), 12, '0') || '7000' || '8000' || lpad(to_hex(g), 12, '0'))::uuid,
                   \(task), 'corrected',
                   jsonb_build_object('text', 'Invoice ' || g || ' from vendor ' || (g % 997) || ', total ' || (g % 5000) || '.00 EUR'),
                   jsonb_build_object('vendor', 'Vendor ' || (g % 997), 'total', g % 5000),
                   0.5, 'v' || (g % 3), 'model-a', '[]',
                   jsonb_build_object('vendor', 'Vendor ' || (g % 997) || ' Ltd', 'total', g % 5000),
                   'correct', 'user:bench@example.com', now(), 'done', now(), now()
            FROM generate_series(1, \(count)) AS g
            """, logger: logger)
    }

    /// `count` enabled examples with varied inputs (for few-shot query benchmarks).
    public func seedExamples(task: String, count: Int) async throws {
        try await client.query("""
            WITH src AS (
                SELECT gen_random_uuid() AS id, g,
                       'Invoice ' || g || ' from ' || (ARRAY['ACME','Globex','Initech','Umbrella','Hooli','Stark','Wayne','Wonka'])[1 + g % 8]
                       || ' branch ' || (g % 1013) || ', total ' || (g % 7919) || '.00 EUR, due ' || (1 + g % 28) || ' March' AS text
                FROM generate_series(1, \(count)) AS g
            ), items_in AS (
                INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action, decided_by,
                                   decided_at, queue_state, created_at, updated_at)
                SELECT id, \(task), 'corrected', to_jsonb(text), jsonb_build_object('total', g % 7919), 0.5, '[]',
                       jsonb_build_object('total', g % 7919), 'correct', 'user:bench@example.com', now(), 'done', now(), now()
                FROM src RETURNING id
            )
            INSERT INTO examples (id, task, input, input_text, input_hash, output, kind, source_item, reviewer, created_at)
            SELECT id, \(task), to_jsonb(text), text, md5(to_jsonb(text)::text), jsonb_build_object('total', g % 7919), 'correction',
                   id, 'user:bench@example.com', now()
            FROM src
            """, logger: logger)
        try await client.query("ANALYZE examples", logger: logger)
    }
}
