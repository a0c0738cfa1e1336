import AsyncHTTPClient
import Foundation
import LoupeJSON
import LoupeStore
import Synchronization
import Testing
#if canImport(Glibc)
import Glibc
#endif

extension ProcessHeavy {
    /// Crashes, a database outage, and shutdown under load, against real `loupe serve` processes.
    @Suite(.serialized) struct FaultTests {
        /// Acknowledged ids, shared by the load tasks.
        final class Acks: Sendable {
            let ids = Mutex<[String]>([])
            var count: Int { ids.withLock { $0.count } }
        }

        @Test func everyAcknowledgedItemSurvivesKill9DuringAnIntakeBurst() async throws {
            let served = try await ServedDatabase.start()
            let (env, server, key) = (served.environment, served.server, served.admin)
            let acks = Acks()
            let load = Task {
                try? await withThrowingTaskGroup(of: Void.self) { group in
                    for worker in 0..<8 {
                        group.addTask {
                            for i in 0..<100_000 {
                                let reply = try await HTTP.request("POST", server.baseURL + "/v1/items", key: key,
                                                                   json: ["task": "t", "external_id": .string("w\(worker)-\(i)"), "input": .int(i),
                                                                          "output": [:], "confidence": 0.5])
                                if (200..<300).contains(reply.0), let id = reply.1["id"]?.stringValue { acks.ids.withLock { $0.append(id) } }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            #expect(try await eventually(timeout: 60) { acks.count >= 300 })
            kill(server.process.processIdentifier, SIGKILL)
            await load.value
            let acknowledged = acks.ids.withLock { $0 }

            let restarted = try ServerProcess(environment: env)
            defer { restarted.process.terminate() }
            #expect(try await restarted.waitUntilReady(), "\(restarted.log)")
            var missing = 0
            for id in acknowledged where try await HTTP.request("GET", restarted.baseURL + "/v1/items/\(id)", key: key).0 != 200 { missing += 1 }
            #expect(acknowledged.count >= 300)
            #expect(missing == 0, "\(missing) of \(acknowledged.count) acknowledged items are gone")
            #expect(await restarted.terminate() == 0)
        }

        @Test func aDatabaseOutageAnswers503PromptlyAndServiceResumesByItself() async throws {
            let dataDir = "/tmp/loupe-outage-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: dataDir) }
            let env = ["DATABASE_URL": ""]
            // The production request deadline: it is what turns the outage into a prompt 503.
            let server = try ServerProcess(arguments: ["--data-dir", dataDir], environment: env.merging(["LOUPE_REQUEST_DEADLINE_S": "5"]) { $1 })
            defer { server.process.terminate() }
            #expect(try await server.waitUntilReady(), "\(server.log)")
            let key = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: env, dataDir: dataDir)
            #expect(try await HTTP.request("PUT", server.baseURL + "/v1/tasks/t", key: key, json: ["output_schema": ["type": "object"]]).0 == 201)

            #expect(try PgCtl.run(dataDir: dataDir, ["stop", "-m", "immediate"]) == 0)
            let started = Date()
            let ready = try await HTTP.request("GET", server.baseURL + "/ready")
            #expect(ready.0 == 503)
            #expect(ready.1["detail"]?.stringValue != nil)
            let post = try await HTTP.request("POST", server.baseURL + "/v1/items", key: key,
                                              json: ["task": "t", "input": 1, "output": [:], "confidence": 0.5])
            #expect(post.0 == 503, "a request during the outage gets 503, got \(post.0): \(post.1)")
            #expect(post.1["type"]?.stringValue?.contains("unavailable") == true)
            #expect(Date().timeIntervalSince(started) < 15, "answers come promptly (5 s deadline), not after a hang")

            #expect(try PgCtl.run(dataDir: dataDir, ["start", "-w", "-l", dataDir + "/run/postgres.log"]) == 0)
            #expect(try await eventually(timeout: 30) { (try? await HTTP.request("GET", server.baseURL + "/ready").0) == 200 })
            let after = try await HTTP.request("POST", server.baseURL + "/v1/items", key: key,
                                               json: ["task": "t", "input": 2, "output": [:], "confidence": 0.5])
            #expect(after.0 == 201, "service resumes without a restart")
            #expect(await server.terminate() == 0)
        }

        @Test func gracefulShutdownFinishesAnInFlightExport() async throws {
            let served = try await ServedDatabase.start()
            let (env, server, key) = (served.environment, served.server, served.admin)
            let seeded = try await Psql.run(url: env["DATABASE_URL"]!, """
                INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action, decided_by, decided_at,
                                   queue_state, created_at, updated_at)
                SELECT gen_random_uuid(), 't', 'corrected', to_jsonb(g), '{}', 0.5, '[]', '{"x": 1}', 'correct', 'user:x', now(), 'done', now(), now()
                FROM generate_series(1, 30000) g
                """)
            #expect(seeded.0 == 0, "\(seeded.2)")
            // SIGTERM once the response has begun (its head is in), so the export is surely in flight.
            var request = HTTPClientRequest(url: server.baseURL + "/v1/export?task=t")
            request.headers.add(name: "Authorization", value: "Bearer \(key)")
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(120))
            #expect(response.status == .ok)
            server.process.terminate()
            // Without FlushBeforeClose about one run in four lost the last ~4,500 lines here.
            var lines = 0
            for try await chunk in response.body { lines += chunk.readableBytesView.reduce(0) { $1 == 0x0A ? $0 + 1 : $0 } }
            #expect(lines == 30000, "the in-flight export finished after SIGTERM")
            #expect(await server.exitStatus() == 0)
        }
    }

    /// `pg_ctl` on an embedded cluster owned by a running server.
    enum PgCtl {
        static func run(dataDir: String, _ arguments: [String]) throws -> Int32 {
            try EmbeddedCluster.pgCtl(dataDirectory: dataDir, arguments)
        }
    }
}
