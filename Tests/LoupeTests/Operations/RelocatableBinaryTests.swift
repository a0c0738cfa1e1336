import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 16, one relocatable binary: `loupe` copied alone to another directory runs on the embedded default and
    /// serves its UI, with no checkout beside it (before: "migrations directory … cannot be read").
    @Suite struct RelocatableBinaryTests {
        @Test func aCopiedBinaryServesItsUIAndMigratesWithNoCheckout() async throws {
            let root = "/tmp/loupe-reloc-\(getpid())-\(Int.random(in: 0..<1_000_000))"
            try FileManager.default.createDirectory(atPath: root + "/bin", withIntermediateDirectories: true)
            try FileManager.default.createDirectory(atPath: root + "/run", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: root) }
            try FileManager.default.copyItem(atPath: LoupeBinary.path, toPath: root + "/bin/loupe")
            chmod(root, 0o777); chmod(root + "/run", 0o777)  // the embedded cluster runs as postgres when the tests run as root

            let server = try ServerProcess(arguments: ["--data-dir", "data"], environment: ["DATABASE_URL": ""],
                                           executable: root + "/bin/loupe", directory: root + "/run")
            #expect(try await server.waitUntilReady(), "the copied binary did not become ready:\n\(server.log)")
            defer { Task { _ = await server.terminate() } }

            let (status, headers, page) = try await HTTP.raw("GET", server.baseURL + "/")
            #expect(status == 200)
            #expect(headers["Content-Type"]?.hasPrefix("text/html") == true)
            #expect(page == FileManager.default.contents(atPath: TestCluster.home + "/web-static/index.html"), "the checkout's index.html")
            let script = try await HTTP.raw("GET", server.baseURL + "/js/app.js")
            #expect(script.0 == 200 && script.1.keys.contains { $0.lowercased() == "etag" }, "\(script.1)")
            #expect(script.1["Content-Type"]?.contains("javascript") == true)
            #expect(script.2 == FileManager.default.contents(atPath: TestCluster.home + "/web-static/js/app.js"))
            let missing = try await HTTP.raw("GET", server.baseURL + "/js/nothing-here.js")
            #expect(missing.0 == 404)
            #expect(try await HTTP.raw("GET", server.baseURL + "/screenshots/review.png").0 == 404, "README pictures stay out of the binary")

            // Migrated: the CLI (the same copied binary) makes a key, and intake works.
            let (keyStatus, key) = try await OffPool.run { () throws -> (Int32, String) in
                let keys = Process()
                keys.executableURL = URL(fileURLWithPath: root + "/bin/loupe")
                keys.arguments = ["keys", "create", "--name", "ops", "--role", "admin", "--data-dir", "data"]
                keys.currentDirectoryURL = URL(fileURLWithPath: root + "/run")
                keys.environment = ProcessInfo.processInfo.environment.merging(["DATABASE_URL": ""]) { $1 }
                let out = Pipe()
                keys.standardOutput = out
                keys.standardError = FileHandle.nullDevice
                try keys.run()
                let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
                keys.waitUntilExit()
                return (keys.terminationStatus, text.split(separator: "\n").last.map(String.init) ?? "")
            }
            #expect(keyStatus == 0 && key.hasPrefix("lp_"))
            #expect(try await HTTP.request("PUT", server.baseURL + "/v1/tasks/t", key: key, json: ["output_schema": ["type": "object"]]).0 == 201)
            #expect(try await HTTP.request("POST", server.baseURL + "/v1/items", key: key,
                                           json: ["task": "t", "input": "x", "output": [:], "confidence": 0.5]).0 == 201)
            #expect(await server.terminate() == 0)
        }

        @Test func webStaticOverridesTheBuiltInUIForUIWork() async throws {
            let dir = NSTemporaryDirectory() + "loupe-ui-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: dir) }
            try "<!doctype html><title>work in progress</title>".write(toFile: dir + "/index.html", atomically: true, encoding: .utf8)
            let url = try await TestCluster.databaseURL(try await TestCluster.freshDatabase())
            let server = try ServerProcess(arguments: ["--web-static", dir], environment: ["DATABASE_URL": url])
            #expect(try await server.waitUntilReady(), "\(server.log)")
            let page = try await HTTP.raw("GET", server.baseURL + "/")
            #expect(String(decoding: page.2, as: UTF8.self).contains("work in progress"))
            #expect(await server.terminate() == 0)
        }
    }
}
