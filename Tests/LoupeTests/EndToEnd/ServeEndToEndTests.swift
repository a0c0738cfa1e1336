import Foundation
import Logging
import LoupeJSON
import LoupeStore
import Testing

extension ProcessHeavy {
    /// The real binary on the embedded default: what the README's quick start does.
    @Suite(.serialized) struct ServeEndToEndTests {
        @Test func serveOnEmbeddedPostgresAcceptsKeysTasksAndItemsThenStopsCleanly() async throws {
            let dataDir = "/tmp/loupe-e2e-\(getpid())-\(Int.random(in: 0..<1_000_000))"
            defer { try? FileManager.default.removeItem(atPath: dataDir) }
            let noURL = ["DATABASE_URL": ""]
            // The operator's postgresql.conf lines, read after Loupe's memory-sized settings.
            try FileManager.default.createDirectory(atPath: dataDir, withIntermediateDirectories: true)
            try "work_mem = '7MB'\ncheckpoint_timeout = '20min'\n".write(toFile: dataDir + "/postgresql.override.conf", atomically: true, encoding: .utf8)
            let server = try ServerProcess(arguments: ["--data-dir", dataDir], environment: noURL)
            #expect(try await server.waitUntilReady(), "server did not become ready:\n\(server.log)")

            let cluster = try EmbeddedCluster.open(dataDirectory: dataDir, attachIfOwned: true, logger: Logger(label: "e2e"))
            let shown = try await Psql.run(url: cluster.location.psqlURL, """
                SELECT (SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'), current_setting('wal_compression'), current_setting('work_mem'),
                       current_setting('checkpoint_timeout')
                """)
            let tuning = EmbeddedTuning.detect()
            #expect(shown.1.trimmingCharacters(in: .whitespacesAndNewlines) == "\(tuning.sharedBuffersMB)|lz4|7MB|20min", "psql: \(shown)")

            // A second server on the same data directory refuses, clearly, and changes nothing.
            let second = try await LoupeBinary.run(["serve", "--port", "0", "--data-dir", dataDir], environment: noURL)
            #expect(second.0 != 0)
            #expect(second.2.contains("already using the data directory"), "stderr: \(second.2)")

            // The CLI attaches to the running server's cluster; the key is alone on the last line.
            let (status, stdout, stderr) = try await LoupeBinary.run(["keys", "create", "--name", "e2e", "--role", "admin", "--data-dir", dataDir], environment: noURL)
            #expect(status == 0, "keys create failed: \(stderr)")
            let key = stdout.split(separator: "\n").last.map(String.init) ?? ""
            #expect(key.hasPrefix("lp_") && !key.contains(" "))

            let task = try await HTTP.request("PUT", server.baseURL + "/v1/tasks/invoice", key: key,
                                              json: ["output_schema": ["type": "object", "required": ["total"]]])
            #expect(task.0 == 201)
            let item = try await HTTP.request("POST", server.baseURL + "/v1/items", key: key,
                                              json: ["task": "invoice", "input": "doc", "output": ["total": 3], "confidence": 0.97])
            #expect(item.0 == 201)
            #expect(item.1["status"] == "approved")
            let read = try await HTTP.request("GET", server.baseURL + "/v1/items/\(item.1["id"]?.stringValue ?? "")", key: key)
            #expect(read.1["output"] == ["total": 3])

            #expect(await server.terminate() == 0, "graceful shutdown:\n\(server.log)")
            #expect(server.log.contains("embedded PostgreSQL stopped"))
            #expect(!FileManager.default.fileExists(atPath: dataDir + "/pg/postmaster.pid"), "PostgreSQL left running")
        }

        @Test func missingPostgresBinariesAreExplained() async throws {
            let dataDir = "/tmp/loupe-e2e-nobin-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: dataDir) }
            let (status, _, stderr) = try await LoupeBinary.run(["migrate", "--data-dir", dataDir],
                                                          environment: ["DATABASE_URL": "", "LOUPE_PG_BIN": "/nonexistent/bin", "LOUPE_PG_BIN_ONLY": "1"])
            #expect(status != 0)
            #expect(stderr.contains("apt-get install postgresql-15"), "stderr: \(stderr)")
        }
    }
}
