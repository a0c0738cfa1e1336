import Foundation
import LoupeJSON
import Testing

/// Issue 11, load shedding: a request waits a bounded time for a database connection, then is refused
/// (503, Retry-After) instead of queueing behind a database that cannot keep up.
@Suite struct ConnectionWaitTests {
    @Test func aRequestThatFindsEveryConnectionBusyIsRefusedAfterTheBoundedWait() async throws {
        let served = try await ServedDatabase.start(serverEnvironment: ["LOUPE_DB_POOL_SIZE": "2", "LOUPE_DB_WAIT_MS": "300"])
        let (server, key, url) = (served.server, served.admin, served.environment["DATABASE_URL"]!)
        defer { Task { _ = await server.terminate() } }
        // Another client locks the items table; reads of it take both connections and wait inside PostgreSQL
        // (two requests of ours, or one and a background service's query).
        let locker = Process()
        locker.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        locker.arguments = [url, "-c", "BEGIN; LOCK TABLE items IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(20); COMMIT;"]
        locker.standardOutput = FileHandle.nullDevice
        try locker.run()
        defer { locker.terminate() }
        try await Self.until("psql holds the lock") {
            try await Psql.integer(url: url, Self.itemsLocked) == 1
        }
        let blocked = (0..<2).map { _ in Task { try await HTTP.request("GET", server.baseURL + "/v1/items?limit=1", key: key) } }
        // (A background service's query may be one of them; either way both connections are taken.)
        try await Self.until("both connections wait on the lock") {
            try await Psql.integer(url: url, "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") >= 2
        }

        // Before: this waited behind the lock (20 s) for a connection. Now: refused after 300 ms, and said so.
        let (status, headers, data) = try await HTTP.raw("GET", server.baseURL + "/v1/queue", key: key)
        let body = String(decoding: data, as: UTF8.self)
        #expect(status == 503, "\(body)")
        #expect(headers["Retry-After"] == "1")
        #expect(headers["Content-Type"] == "application/problem+json")
        #expect(body.contains("database connection"))

        // When the lock goes, the blocked requests finish (one may have been refused if a background service
        // took a connection first) and the server serves normally again.
        _ = try await Psql.run(url: url, "SELECT pg_cancel_backend(pid) FROM pg_locks WHERE relation = 'items'::regclass AND mode = 'AccessExclusiveLock' AND \(Self.thisDatabase)")
        for request in blocked { #expect([200, 503].contains(try await request.value.0)) }
        #expect(try await HTTP.request("GET", server.baseURL + "/v1/queue", key: key).0 == 200)
    }

    /// Test databases are copies of one template in one cluster, so their `items` tables share an OID: lock checks are
    /// narrowed to the test's own database (two tests locking at once saw, and cancelled, each other's lock).
    static let thisDatabase = "database = (SELECT oid FROM pg_database WHERE datname = current_database())"
    /// 1 when a session holds this database's `items` exclusively.
    static let itemsLocked = "SELECT count(*) FROM pg_locks WHERE relation = 'items'::regclass AND granted AND mode = 'AccessExclusiveLock' AND \(thisDatabase)"

    /// Polls `condition` (a database state another process brings about) every 50 ms for up to 20 s.
    static func until(_ what: String, _ condition: () async throws -> Bool) async throws {
        for _ in 0..<400 {
            if try await condition() { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw HarnessError(message: "timed out waiting until \(what)")
    }
}
