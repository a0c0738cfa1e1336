import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 16, backup and restore: `loupe backup` of a running server's database, `loupe restore` into a fresh
    /// embedded cluster, and the restored server exports the same bytes and carries on.
    @Suite struct BackupRestoreTests {
        @Test func aRestoredBackupExportsTheSameBytesAndKeepsWorking() async throws {
            let db = try await ServedDatabase.start()
            let base = db.server.baseURL
            var ids: [String] = []
            for (n, confidence) in [0.2, 0.3, 0.97, 0.4].enumerated() {
                let reply = try await HTTP.request("POST", base + "/v1/items", key: db.admin, json: [
                    "task": "t", "input": .string("ticket \(n) — ünïcode"), "output": ["n": .int(n)], "confidence": .double(confidence)])
                ids.append(reply.1["id"]?.stringValue ?? "")
            }
            let reviewer = try await LoupeBinary.createKey(name: "r", role: "reviewer", environment: db.environment)
            for action in ["correct", "approve"] {
                let claimed = try await HTTP.request("POST", base + "/v1/review/claim", key: reviewer)
                let body: JSONValue = action == "correct" ? ["action": "correct", "output": ["n": 99, "fixed": true]] : ["action": "approve"]
                #expect(try await HTTP.request("POST", base + "/v1/items/\(claimed.1["id"]?.stringValue ?? "")/decision", key: reviewer, json: body).0 == 200)
            }
            let exportURL = "/v1/export?task=t&format=jsonl&include_auto=true"
            let before = try await HTTP.raw("GET", base + exportURL, key: db.admin)
            #expect(before.0 == 200 && before.2.count > 200)

            // Online: the server keeps running while the backup is taken.
            let dir = "/tmp/loupe-backup-\(getpid())-\(Int.random(in: 0..<1_000_000))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            chmod(dir, 0o777)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            let backup = try await LoupeBinary.run(["backup", "--out", dir + "/loupe.dump"], environment: db.environment)
            #expect(backup.0 == 0, "backup: \(backup.2)")
            _ = await db.server.terminate()

            // Into a fresh embedded cluster.
            let embedded = ["DATABASE_URL": ""], dataDir = dir + "/restored"
            let restored = try await LoupeBinary.run(["restore", "--in", dir + "/loupe.dump", "--data-dir", dataDir], environment: embedded)
            #expect(restored.0 == 0, "restore: \(restored.2)")
            let again = try await LoupeBinary.run(["restore", "--in", dir + "/loupe.dump", "--data-dir", dataDir], environment: embedded)
            #expect(again.0 != 0 && again.2.contains("--force"), "a non-empty target is refused: \(again.2)")
            let garbage = dir + "/not-a-backup"
            try "hello".write(toFile: garbage, atomically: true, encoding: .utf8)
            let refused = try await LoupeBinary.run(["restore", "--in", garbage, "--data-dir", dataDir, "--force"], environment: embedded)
            #expect(refused.0 != 0 && refused.2.contains("not a readable Loupe backup"), "\(refused.2)")
            let forced = try await LoupeBinary.run(["restore", "--in", dir + "/loupe.dump", "--data-dir", dataDir, "--force"], environment: embedded)
            #expect(forced.0 == 0, "restore --force: \(forced.2)")

            let server = try ServerProcess(arguments: ["--data-dir", dataDir], environment: embedded)
            #expect(try await server.waitUntilReady(), "\(server.log)")
            let after = try await HTTP.raw("GET", server.baseURL + exportURL, key: db.admin)
            #expect(after.0 == 200)
            #expect(after.2 == before.2, "the restored export is byte for byte the original")

            // It carries on: the old key works, a new item gets an event after every restored one.
            let fresh = try await HTTP.request("POST", server.baseURL + "/v1/items", key: db.admin,
                                               json: ["task": "t", "input": "after restore", "output": [:], "confidence": 0.1])
            #expect(fresh.0 == 201)
            let events = try await EventStreamClient.read(server.baseURL + "/v1/events", key: db.admin, lastEventID: "0", count: 8, timeout: 10)
            #expect(events.count == 8, "4 at intake, 3 from the 2 decisions (a correction is decided + corrected), 1 new: \(events.map(\.event))")
            #expect(events.last?.data["item"]?["id"] == fresh.1["id"], "the new event comes after the restored ones")
            #expect(await server.terminate() == 0)
        }
    }
}
