import Foundation
@testable import LoupeStore
import Logging
import Testing

/// Every decision reads its item and (for an approval) its task before deciding. Unprepared, PostgreSQL parsed and
/// planned both each time: 0.62 ms of parse and bind for 0.08 ms of execution per decision in the server log. Both
/// reads are now statements prepared once per connection.
@Suite struct PreparedLookupTests {
    @Test func theItemAndTaskReadsArePreparedOncePerConnection() async throws {
        try await withLoupe { f in
            try await f.defineTask("lookup", ["output_schema": ["type": "object"]])
            let id = try #require(UUID(uuidString: try await f.submit("lookup", confidence: 0.2, output: [:])))
            // One connection, so the reads and the look at what it has prepared share a session.
            let store = PostgresStore(location: try DatabaseLocation(url: f.databaseURL), expectedMigration: TestCluster.latestMigration,
                                      maxConnections: 1, logger: TestCluster.logger)
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.client.run() }
                for _ in 0..<3 {
                    #expect(try await store.items.get(id)?.task == "lookup")
                    #expect(try await store.tasks.get("lookup")?.name == "lookup")
                }
                #expect(try await store.items.get(UUID()) == nil)
                #expect(try await store.tasks.get("nothing") == nil)
                var prepared: [String] = []
                let rows = try await store.client.query("SELECT statement FROM pg_prepared_statements", logger: TestCluster.logger)
                for try await statement in rows.decode(String.self) { prepared.append(statement) }
                #expect(prepared.contains { $0.hasSuffix("FROM items WHERE id = $1") }, "\(prepared)")
                #expect(prepared.contains { $0.hasSuffix("FROM tasks WHERE name = $1") }, "\(prepared)")
                group.cancelAll()
            }
        }
    }
}
