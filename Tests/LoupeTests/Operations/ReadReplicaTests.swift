import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 16, read replica: with `DATABASE_READ_URL`, exports, lists, stats and history read from a real hot standby
    /// (made with `pg_basebackup -R` from the embedded cluster) while the primary takes intake; a replica that is down
    /// sends reads back to the primary, with a log line each way.
    @Suite struct ReadReplicaTests {
        @Test func exportsReadFromAStreamingReplicaAndFallBackToThePrimary() async throws {
            let root = "/tmp/loupe-replica-\(getpid())-\(Int.random(in: 0..<100_000))"
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            chmod(root, 0o777)
            let standby = root + "/standby"
            defer {
                _ = try? PostgresTools.blocking("pg_ctl", ["-D", standby + "/pg", "-m", "immediate", "stop"])
                if let log = try? String(contentsOfFile: standby + "/run/postgres.log", encoding: .utf8) { print("standby log:\n" + log.suffix(3000)) }
                try? FileManager.default.removeItem(atPath: root)
            }
            let environment = ["DATABASE_URL": "", "DATABASE_READ_URL": "postgres://loupe@/loupe?host=\(standby)/run",
                               "LOUPE_REPLICA_MAX_LAG_S": "300"]
            let server = try ServerProcess(arguments: ["--data-dir", root + "/primary"], environment: environment)
            #expect(try await server.waitUntilReady(), "\(server.log)")
            defer { Task { _ = await server.terminate() } }
            #expect(try await eventually { server.log.contains("read replica not used: it does not answer") }, "no replica yet: \(server.log)")
            let key = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: ["DATABASE_URL": ""], dataDir: root + "/primary")
            let base = server.baseURL
            #expect(try await HTTP.request("PUT", base + "/v1/tasks/t", key: key, json: ["output_schema": ["type": "object"]]).0 == 201)
            func post(_ input: String) async throws -> String {
                try await HTTP.request("POST", base + "/v1/items", key: key, json: ["task": "t", "input": .string(input), "output": [:], "confidence": 0.99])
                    .1["id"]?.stringValue ?? ""
            }
            let early = [try await post("one"), try await post("two")]
            let export: @Sendable () async throws -> (Int, [String: String], Data) = {
                try await HTTP.raw("GET", base + "/v1/export?task=t&include_auto=true", key: key)
            }

            // A hot standby of the embedded cluster, as an operator would make one.
            try PostgresTools.ownedDirectory(standby)
            try PostgresTools.ownedDirectory(standby + "/run")
            try await PostgresTools.run("pg_basebackup", ["-h", root + "/primary/run", "-U", "loupe", "-D", standby + "/pg", "-R", "-X", "stream", "-c", "fast"])
            try """
                listen_addresses = ''
                unix_socket_directories = '\(standby)/run'
                max_connections = 500
                hot_standby = on
                hot_standby_feedback = on
                """.write(toFile: standby + "/pg/loupe.conf", atomically: false, encoding: .utf8)
            try await PostgresTools.run("pg_ctl", ["-D", standby + "/pg", "-l", standby + "/run/postgres.log", "-w", "-t", "60", "start"])
            #expect(try await eventually(timeout: 30) { server.log.contains("read replica in use") }, "\(server.log)")

            // It is the replica that answers: with replay paused there, a new item is on the primary but not in the export.
            let standbyURL = "postgres://loupe@/loupe?host=\(standby)/run"
            #expect(try await Psql.run(url: standbyURL, "SELECT pg_wal_replay_pause()").0 == 0)
            let late = try await post("three")
            #expect(try await HTTP.request("GET", base + "/v1/items/\(late)", key: key).0 == 200, "single items come from the primary")
            let paused = try await export()
            #expect(paused.0 == 200)
            let pausedText = String(decoding: paused.2, as: UTF8.self)
            #expect(early.allSatisfy(pausedText.contains) && !pausedText.contains(late), "the export came from the paused replica")
            let listed = try await HTTP.request("GET", base + "/v1/items?task=t", key: key).1["items"]?.arrayValue ?? []
            #expect(listed.count == 2, "lists too")
            #expect(try await Psql.run(url: standbyURL, "SELECT pg_wal_replay_resume()").0 == 0)
            #expect(try await eventually(timeout: 20) { String(decoding: try await export().2, as: UTF8.self).contains(late) })

            // Down: reads go back to the primary, and the log says so.
            try await PostgresTools.run("pg_ctl", ["-D", standby + "/pg", "-m", "fast", "-w", "stop"])
            #expect(try await eventually(timeout: 20) {
                server.log.components(separatedBy: "read replica not used: it does not answer").count == 3
            }, "\(server.log)")
            let fallback = try await export()
            #expect(fallback.0 == 200 && String(decoding: fallback.2, as: UTF8.self).contains(late))
            #expect(await server.terminate() == 0)
        }
    }
}
