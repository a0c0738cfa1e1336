import Foundation
import LoupeJSON
import Testing

/// Issue 11, exact OpenAPI: schemathesis (PyPI) generates requests from `/openapi.json` — valid and invalid,
/// every phase, every check — against a real `loupe serve` with data in it, and reports no failure: the
/// document says what the server does, and the server does what the document says.
@Suite struct SchemathesisTests {
    @Test func theOpenAPIDocumentAndTheServerAgreeUnderSchemathesis() async throws {
        let served = try await ServedDatabase.start()
        let (server, key) = (served.server, served.admin)
        defer { Task { _ = await server.terminate() } }
        let ids = try await Self.seed(server.baseURL, key: key)

        let config = TestCluster.home + "/Tests/Schemathesis/schemathesis.toml"
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-m", "schemathesis.cli", "--config-file", config, "run", server.baseURL + "/openapi.json",
                             "--checks", "all", "--phases", "examples,coverage,fuzzing,stateful", "--no-color"]
        process.environment = ProcessInfo.processInfo.environment.merging(ids.merging(["LOUPE_KEY": key]) { $1 }) { $1 }
        process.currentDirectoryURL = URL(fileURLWithPath: NSTemporaryDirectory())  // reports and caches stay out of the checkout
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        // About a minute of waiting: off the cooperative pool, which the other tests running meanwhile need.
        let text = try await OffPool.run { [output, process] in
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            return text
        }
        #expect(!text.contains("No module named"), "schemathesis is missing: .ci/install-deps installs it (pip install schemathesis==4.32.5)")
        #expect(process.terminationStatus == 0, "schemathesis found failures:\n\(text.suffix(12_000))")
        #expect(text.contains("Tested:"), "schemathesis did not run:\n\(text.suffix(4000))")
        #expect(server.process.isRunning)
    }

    /// A task, items, a webhook with a delivery and a corrected item (an example): the ids the run's config names.
    static func seed(_ base: String, key: String) async throws -> [String: String] {
        func call(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
            let (status, json) = try await HTTP.request(method, base + path, key: key, json: body)
            guard (200..<300).contains(status) else { throw HarnessError(message: "\(method) \(path) answered \(status): \(json)") }
            return json
        }
        _ = try await call("PUT", "/v1/tasks/invoices", ["output_schema": ["type": "object", "required": ["total"],
                                                                          "properties": ["total": ["type": "number"]]]])
        _ = try await call("POST", "/v1/webhooks", ["url": "http://127.0.0.1:9/hook", "events": ["item.queued", "item.decided"]])
        for i in 1...6 {
            _ = try await call("POST", "/v1/items", ["task": "invoices", "input": .string("invoice \(i)"), "output": ["total": .int(i)],
                                                    "confidence": .double(Double(i) / 10)])
        }
        let claimed = try await call("POST", "/v1/review/claim", [:])
        let claimedID = claimed["id"]?.stringValue ?? ""
        _ = try await call("POST", "/v1/items/\(claimedID)/decision", ["action": "correct", "output": ["total": 99]])
        let pending = try await call("GET", "/v1/items?status=pending&limit=1")
        let webhooks = try await call("GET", "/v1/webhooks")
        let webhookID = webhooks["webhooks"]?.arrayValue?.first?["id"]?.stringValue ?? ""
        let deliveries = try await call("GET", "/v1/webhooks/\(webhookID)/deliveries")
        let examples = try await call("GET", "/v1/tasks/invoices/examples/all")
        return ["TASK": "invoices",
                "ITEM_ID": pending["items"]?.arrayValue?.first?["id"]?.stringValue ?? "",
                "DELIVERY_ID": deliveries["deliveries"]?.arrayValue?.first?["id"]?.stringValue ?? "",
                "EXAMPLE_ID": examples["examples"]?.arrayValue?.first?["id"]?.stringValue ?? ""]
    }
}
