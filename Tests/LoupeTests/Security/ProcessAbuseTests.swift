import AsyncHTTPClient
import Foundation
import LoupeJSON
import NIOCore
import Testing

/// Pentest findings 2 (ReDoS) and 7 (sign-in floods), against a real `loupe serve`.
@Suite struct ProcessAbuseTests {
    @Test func aCatastrophicPatternCannotStallTheServer() async throws {
        let db = try await ServedDatabase.start()
        defer { Task { _ = await db.server.terminate() } }
        let base = db.server.baseURL
        let task = try await HTTP.request("PUT", base + "/v1/tasks/redos", key: db.admin,
                                          json: ["output_schema": ["type": "object", "properties": ["s": ["type": "string", "pattern": "^(a+)+$"]]]])
        #expect(task.0 == 201)
        // 2.8 s of CPU for 24 a's on the old engine, doubling with each one: 34 would take over an hour.
        let evil: JSONValue = ["task": "redos", "input": "x", "confidence": 0.99, "output": ["s": .string(String(repeating: "a", count: 34) + "!")]]
        async let first = HTTP.request("POST", base + "/v1/items", key: db.admin, json: evil)
        async let second = HTTP.request("POST", base + "/v1/items", key: db.admin, json: evil)
        async let health = HTTP.request("GET", base + "/health")
        let (a, b, h) = try await (first, second, health)
        #expect(h.0 == 200)
        for reply in [a, b] {
            #expect(reply.0 == 201 && reply.1["status"] == "pending")
            #expect(reply.1["reasons"]?.arrayValue?.contains { $0["keyword"] == "pattern" } == true)
        }
    }

    @Test func concurrentGuessesGetExactlyTheFreeAttemptsAndFloodsGet429NotStalls() async throws {
        let location = try await TestCluster.freshDatabase()
        let environment = ["DATABASE_URL": try await TestCluster.databaseURL(location), "LOUPE_BCRYPT_COST": "8"]
        let (status, _, stderr) = try await LoupeBinary.run(["users", "create", "--email", "rita@example.com", "--role", "reviewer"],
                                                       environment: environment, stdin: "correct horse battery\n")
        #expect(status == 0, "\(stderr)")
        let server = try ServerProcess(environment: environment)
        defer { Task { _ = await server.terminate() } }
        #expect(try await server.waitUntilReady())
        let url = server.baseURL + "/v1/session"

        // 20 wrong passwords at once for one user (20 connections, so all arrive together): 5 are free, so exactly 5 are checked.
        let client = HTTPClient(eventLoopGroupProvider: .singleton,
                                configuration: .init(connectionPool: .init(idleTimeout: .seconds(30), concurrentHTTP1ConnectionsPerHostSoftLimit: 32)))
        @Sendable func post(_ body: String) async throws -> Int {
            var request = HTTPClientRequest(url: url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
            return Int(try await client.execute(request, timeout: .seconds(30)).status.code)
        }
        let guesses = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<20 { group.addTask { try await post(#"{"email": "rita@example.com", "password": "guess-\#(i)"}"#) } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(guesses.filter { $0 == 401 }.count == 5, "\(guesses.sorted())")
        #expect(guesses.filter { $0 == 429 }.count == 15)

        // 40 sign-ins for unknown emails at once, beside health checks: every answer is 401 or 429, never a stall.
        let admin = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: environment)
        let flood = try await withThrowingTaskGroup(of: (String, Int).self) { group in
            for i in 0..<40 {
                group.addTask { ("signin", try await post(#"{"email": "nobody\#(i)@example.com", "password": "x"}"#)) }
            }
            for _ in 0..<5 { group.addTask { ("health", try await HTTP.request("GET", server.baseURL + "/health").0) } }
            group.addTask { ("tasks", try await HTTP.request("GET", server.baseURL + "/v1/tasks", key: admin).0) }
            return try await group.reduce(into: [(String, Int)]()) { $0.append($1) }
        }
        #expect(flood.filter { $0.0 == "signin" }.allSatisfy { $0.1 == 401 || $0.1 == 429 }, "\(flood)")
        #expect(flood.contains { $0.0 == "signin" && $0.1 == 429 }, "a flood beyond the checker's queue is refused fast")
        #expect(flood.filter { $0.0 != "signin" }.allSatisfy { $0.1 == 200 }, "health and the API stay unaffected")
        try await client.shutdown()
    }
}
