import Foundation
import LoupeJSON
import Testing

/// Issue 16, redaction at intake: what a task's `redact` pointers reach is stored as "[redacted]"; the raw value
/// is in no WAL segment written since (every change is in the WAL before any table file).
@Suite struct RedactionTests {
    @Test func redactedValuesNeverReachPostgreSQL() async throws {
        let db = try await ServedDatabase.start()
        let base = db.server.baseURL
        let url = db.environment["DATABASE_URL"]!
        let task = try await HTTP.request("PUT", base + "/v1/tasks/support", key: db.admin, json: [
            "output_schema": ["type": "object", "properties": ["email": ["type": "string", "pattern": "^[a-z]+@example\\.com$"]]],
            "redact": ["/input/customer/email", "/input/messages/*/phone", "/output/email", "/metadata/ip", "/input/absent/field"]])
        #expect(task.0 == 201 && task.1["redact"]?.arrayValue?.count == 5, "\(task.1)")
        let bad = try await HTTP.request("PUT", base + "/v1/tasks/support2", key: db.admin,
                                         json: ["output_schema": ["type": "object"], "redact": ["/confidence", "email"]])
        #expect(bad.0 == 422 && bad.1["errors"]?.arrayValue?.count == 2, "pointers outside input/output/metadata are refused: \(bad.1)")

        let started = Date()
        let tag = UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased()
        let secrets = ["mail\(tag)@customer.test", "phoneA\(tag)", "phoneB\(tag)", "out\(tag)@customer.test", "ip\(tag)"]
        let control = "control\(tag)"
        let reply = try await HTTP.request("POST", base + "/v1/items", key: db.admin, json: [
            "task": "support", "confidence": 0.95,
            "input": ["customer": ["email": .string(secrets[0]), "name": .string(control)],
                      "messages": [["phone": .string(secrets[1])], ["phone": .string(secrets[2]), "text": "hi"]]],
            "output": ["email": .string(secrets[3])], "metadata": ["ip": .string(secrets[4])]])
        #expect(reply.0 == 201)
        #expect(reply.1["status"] == "pending", "routed on the raw value (which fails the pattern), stored redacted")
        let item = try await HTTP.request("GET", base + "/v1/items/\(reply.1["id"]?.stringValue ?? "")", key: db.admin).1
        #expect(item["input"]?["customer"] == ["email": "[redacted]", "name": .string(control)])
        #expect(item["input"]?["messages"] == [["phone": "[redacted]"], ["phone": "[redacted]", "text": "hi"]])
        #expect(item["output"] == ["email": "[redacted]"] && item["metadata"] == ["ip": "[redacted]"])

        // Every change reaches the WAL, flushed at commit, before any table file: the segments written since the
        // item arrived hold it (no CHECKPOINT: on a shared, loaded test cluster that stalled other tests' commits).
        // The test cluster commits asynchronously: one synchronous commit flushes the WAL up to it, the item's included.
        let flushed = try await Psql.run(url: url, "BEGIN; SET LOCAL synchronous_commit = on; SELECT pg_current_xact_id(); COMMIT;")
        #expect(flushed.0 == 0, "\(flushed.2)")
        let (_, directory, _) = try await Psql.run(url: url, "SELECT current_setting('data_directory')")
        let wal = directory.trimmingCharacters(in: .whitespacesAndNewlines) + "/pg_wal"
        let segments = try FileManager.default.contentsOfDirectory(atPath: wal).map { wal + "/" + $0 }.filter { path in
            let modified = (try? FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date) ?? .distantPast
            return path.split(separator: "/").last?.count == 24 && modified >= started.addingTimeInterval(-2)
        }
        try #require(!segments.isEmpty, "WAL segments in \(wal)")
        #expect(try await Self.found(control, in: segments), "the search finds what was stored (the control value)")
        for secret in secrets { #expect(try await !Self.found(secret, in: segments), "\(secret) reached PostgreSQL") }
        _ = await db.server.terminate()
    }

    /// `grep` over WAL segments (binary files searched as text).
    static func found(_ text: String, in places: [String]) async throws -> Bool {
        try await OffPool.run { try foundBlocking(text, in: places) }
    }

    static func foundBlocking(_ text: String, in places: [String]) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/grep")
        process.arguments = ["-rqaF", text] + places
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus == 0
    }
}
