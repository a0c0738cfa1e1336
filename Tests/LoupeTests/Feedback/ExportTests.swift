import Foundation
import LoupeJSON
import Testing

@Suite struct ExportTests {
    static let tricky = "Line one, with a comma\nand \"quotes\", and a second line\r\nend"

    /// Four human decisions, a second apart (export order is arrival order), (approve, correct, reject, correct) and one auto-approval.
    func seed(_ f: LoupeFixture) async throws {
        try await f.defineTask("invoice", ["output_schema": ["type": "object"], "instructions": "Extract the fields."])
        try await f.submit("invoice", input: .string(Self.tricky), output: ["note": .string(Self.tricky)], confidence: 0.1, promptVersion: "v1")
        try await f.decideNext("approve")
        f.clock.advance(1)
        try await f.submit("invoice", input: ["text": "b, \"b\""], output: ["total": 1], confidence: 0.2, promptVersion: "v1")
        try await f.decideNext("correct", output: ["total": 2])
        f.clock.advance(1)
        try await f.submit("invoice", input: "c", output: ["total": 3], confidence: 0.3)
        try await f.decideNext("reject", reason: "spam")
        f.clock.advance(1)
        try await f.submit("invoice", input: "d", output: ["total": 4], confidence: 0.4, promptVersion: "v2")
        try await f.decideNext("correct", output: ["total": 40])
        f.clock.advance(1)
        try await f.submit("invoice", input: "auto", output: ["total": 5], confidence: 0.99)
    }

    @Test func jsonlHasEveryFieldForHumanDecisionsByDefault() async throws {
        try await withLoupe { f in
            try await seed(f)
            let reply = try await f.call(.get, "/v1/export?task=invoice&format=jsonl", as: .analyst)
            #expect(reply.status == 200)
            #expect(reply.headers[.contentType] == "application/x-ndjson")
            let rows = reply.text.split(separator: "\n").map { (try? JSONParser.parse(String($0))) ?? .null }
            #expect(rows.count == 4, "auto-approvals are left out unless include_auto=true")
            let fields = Set(rows[0].objectValue?.keys ?? [])
            #expect(fields == ["item_id", "task", "input", "output", "final_output", "changes", "action", "confidence", "prompt_version",
                               "model", "reviewer", "decided_at", "decided_by", "reviews"])
            #expect(rows.allSatisfy { $0["reviews"] == 1 }, "one person decided each")
            #expect(rows.map { $0["action"]?.stringValue ?? "" } == ["approve", "correct", "reject", "correct"])
            #expect(rows[0]["input"] == .string(Self.tricky))
            #expect(rows[1]["final_output"] == ["total": 2] && rows[1]["output"] == ["total": 1])
            #expect(rows[2]["final_output"] == .null)
            // What the reviewer changed, as an RFC 6902 patch: nothing for an approval, none for a rejection.
            #expect(rows[1]["changes"] == [["op": "replace", "path": "/total", "value": 2]])
            #expect(rows[0]["changes"] == [] && rows[2]["changes"] == .null)
            #expect(rows[1]["reviewer"] == .string(f.actor(.reviewer)))
            // PostgreSQL writes the lines; times and numbers read exactly as the item API writes them.
            let item = try await f.call(.get, "/v1/items/\(rows[1]["item_id"]?.stringValue ?? "")", as: .analyst).json
            #expect(rows[1]["decided_at"] != nil && rows[1]["decided_at"] == item["decision"]?["at"])
            #expect(rows[1]["confidence"] == item["confidence"] && rows[1]["confidence"] == 0.2)
            #expect(rows[1]["prompt_version"] == "v1" && rows[2]["prompt_version"] == .null && rows[1]["task"] == "invoice")
            let all = try await f.call(.get, "/v1/export?task=invoice&include_auto=true", as: .analyst)
            #expect(all.text.split(separator: "\n").count == 5)
            // With automatic decisions the lines come from items, their ends computed; without, from people's decisions,
            // their ends stored at decision time (migration 0035). A person's decision reads the same either way.
            #expect(Array(all.text.split(separator: "\n").prefix(4)) == reply.text.split(separator: "\n"))
            let corrections = try await f.call(.get, "/v1/export?task=invoice&action=correct", as: .analyst)
            #expect(corrections.text.split(separator: "\n").count == 2)
            let future = try await f.call(.get, "/v1/export?task=invoice&since=2099-01-01", as: .analyst)
            #expect(future.text.isEmpty)
            #expect(try await f.call(.get, "/v1/export?task=invoice&format=xml", as: .analyst).status == 422)
            #expect(try await f.call(.get, "/v1/export?task=invoice", as: .ingest).status == 403)
            try await f.expectPeopleDecisionsMatchItems(atLeast: 4)
        }
    }

    @Test func chatLinesUseTheCorrectedOutputAndSkipRejections() async throws {
        try await withLoupe { f in
            try await seed(f)
            let lines = try await f.call(.get, "/v1/export?task=invoice&format=chat", as: .analyst).text.split(separator: "\n")
            #expect(lines.count == 3)
            let second = try JSONParser.parse(String(lines[1]))
            let messages = second["messages"]?.arrayValue ?? []
            #expect(messages.map { $0["role"]?.stringValue ?? "" } == ["system", "user", "assistant"])
            #expect(messages[0]["content"] == "Extract the fields.")
            #expect(messages[1]["content"] == #"{"text": "b, \"b\""}"#)
            #expect(try JSONParser.parse(messages[2]["content"]?.stringValue ?? "") == ["total": 2])
        }
    }

    @Test func csvRoundTripsThroughACSVParser() async throws {
        try await withLoupe { f in
            try await seed(f)
            let csv = try await f.call(.get, "/v1/export?task=invoice&format=csv", as: .analyst).text
            let parsed = try Self.parseWithPython(csv)
            #expect(parsed.count == 5)
            #expect(parsed[0] == ["item_id", "task", "input", "output", "final_output", "changes", "action", "confidence", "prompt_version",
                                  "model", "reviewer", "decided_at", "decided_by", "reviews"])
            #expect(try JSONParser.parse(parsed[1][2]) == .string(Self.tricky), "commas, quotes and newlines survive")
            #expect(try JSONParser.parse(parsed[1][3]) == ["note": .string(Self.tricky)])
            #expect(parsed[2][4] == #"{"total": 2}"#)
            #expect(parsed[3][4] == "" && parsed[3][6] == "reject")
            #expect(try JSONParser.parse(parsed[2][5]) == [["op": "replace", "path": "/total", "value": 2]])
            #expect(parsed.dropFirst().allSatisfy { $0.count == 14 })
        }
    }

    @Test func theCommandWritesTheSameExport() async throws {
        try await withLoupe { f in
            try await seed(f)
            let out = NSTemporaryDirectory() + "loupe-export-\(UUID().uuidString).jsonl"
            defer { try? FileManager.default.removeItem(atPath: out) }
            let env = ["DATABASE_URL": try await TestCluster.databaseURL(f.store.location)]
            let run = try await LoupeBinary.run(["export", "--task", "invoice", "--format", "jsonl", "--out", out], environment: env)
            #expect(run.0 == 0, "\(run.2)")
            let api = try await f.call(.get, "/v1/export?task=invoice&format=jsonl", as: .analyst).text
            #expect(try String(contentsOfFile: out, encoding: .utf8) == api)
        }
    }

    /// Python's csv module, as an independent RFC 4180 reader; returns rows of cells.
    static func parseWithPython(_ csv: String) throws -> [[String]] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import csv, json, sys; print(json.dumps(list(csv.reader(sys.stdin, strict=True))))"]
        let input = Pipe(), output = Pipe()
        process.standardInput = input
        process.standardOutput = output
        try process.run()
        input.fileHandleForWriting.write(Data(csv.utf8))
        try input.fileHandleForWriting.close()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (try JSONParser.parse(Array(data), options: .init(rejectNul: false))).arrayValue?.map { $0.arrayValue?.compactMap(\.stringValue) ?? [] } ?? []
    }
}
