import Foundation
import LoupeDomain
@testable import LoupeStore
import PostgresNIO
import Testing

/// A claim commits without waiting for the disk (`ClaimStatement`): the wait grows with the WAL its commit carries,
/// and a lease is soft state. The setting is the claim's own transaction's: a decision on the same pooled connection
/// right after still commits synchronously.
@Suite struct ClaimCommitTests {
    @Test func eachKindOfClaimTurnsOffSynchronousCommitForItsOwnTransactionOnly() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            for _ in 0..<2 { try await f.submit("invoice", confidence: 0.1) }
            // One connection, so the claim and the look at the setting share a session.
            let store = PostgresStore(location: try DatabaseLocation(url: f.databaseURL), expectedMigration: TestCluster.latestMigration,
                                      maxConnections: 1, logger: TestCluster.logger)
            let logger = TestCluster.logger
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { await store.client.run() }
                for claimsOneTask in [true, false] {
                    let setting = try await store.client.withConnection { connection -> String in
                        try await connection.query("BEGIN", logger: logger)
                        // The test cluster commits asynchronously throughout; this transaction starts as a server would.
                        try await connection.query("SET LOCAL synchronous_commit = on", logger: logger)
                        let claimed = claimsOneTask
                            ? try await Self.first(ClaimStatement<OneTaskClaim>(actor: "key:t", scope: nil, now: Date(), leaseSeconds: nil, task: "invoice"), on: connection)
                            : try await Self.first(ClaimStatement<AnyTaskClaim>(actor: "key:t", scope: nil, now: Date(), leaseSeconds: nil, task: nil), on: connection)
                        #expect(claimed?.task.name == "invoice")
                        var value = ""
                        for try await v in try await connection.query("SELECT current_setting('synchronous_commit')", logger: logger).decode(String.self) { value = v }
                        try await connection.query("ROLLBACK", logger: logger)
                        return value
                    }
                    #expect(setting == "off", "claims one task: \(claimsOneTask)")
                }
                // Through the repository, in the claim's own implicit transaction: the next statement on the same
                // connection (a decision, say) sees the session's setting again.
                try await store.client.query("SET synchronous_commit = on", logger: logger)
                let claimed = try await store.review.claim(actor: "key:t", task: "invoice", scope: nil, leaseSeconds: nil, disputed: false, now: Date())
                #expect(claimed != nil)
                var after = ""
                for try await v in try await store.client.query("SHOW synchronous_commit", logger: logger).decode(String.self) { after = v }
                #expect(after == "on")
                group.cancelAll()
            }
        }
    }

    /// The item one kind of claim takes, run on `connection` (inside the caller's transaction).
    static func first<Filter>(_ statement: ClaimStatement<Filter>, on connection: PostgresConnection) async throws -> ClaimedItem? {
        try await connection.execute(statement, logger: TestCluster.logger).first { _ in true }
    }
}
