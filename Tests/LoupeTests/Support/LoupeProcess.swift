import AsyncHTTPClient
import Foundation
import NIOCore
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import LoupeJSON
import Synchronization

/// The real `loupe` binary, run as a child process.
enum LoupeBinary {
    static var path: String {
        let candidates = [
            URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("loupe").path,
            TestCluster.home + "/.build/debug/loupe",
        ]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? candidates[1]
    }

    /// Runs a command to completion; returns (status, stdout, stderr).
    /// Off the cooperative pool: a command may run for seconds, and two such waits would stop every other test.
    static func run(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws -> (Int32, String, String) {
        try await OffPool.run { try blocking(arguments, environment: environment, stdin: stdin) }
    }

    static func blocking(_ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) throws -> (Int32, String, String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, stdout, stderr)
    }

    /// `loupe keys create`: the new key from stdout's last line, or a failure carrying stderr.
    static func createKey(name: String, role: String, environment: [String: String], dataDir: String? = nil) async throws -> String {
        let arguments = ["keys", "create", "--name", name, "--role", role] + (dataDir.map { ["--data-dir", $0] } ?? [])
        let (status, stdout, stderr) = try await run(arguments, environment: environment)
        guard status == 0, let key = stdout.split(separator: "\n").last else {
            throw HarnessError(message: "keys create exited \(status): \(stderr)")
        }
        return String(key)
    }
}

/// A `loupe serve` child process on a port the OS picks (read back from its log), so parallel tests never collide.
final class ServerProcess: @unchecked Sendable {
    let process = Process()
    let logPath: String
    private let boundPort = Mutex<Int?>(nil)

    init(arguments: [String] = [], environment: [String: String] = [:], executable: String = LoupeBinary.path,
         directory: String? = nil) throws {
        logPath = NSTemporaryDirectory() + "loupe-serve-\(UUID().uuidString.prefix(8)).log"
        FileManager.default.createFile(atPath: logPath, contents: nil)
        process.executableURL = URL(fileURLWithPath: executable)
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        process.arguments = ["serve", "--port", "0"] + arguments
        // Small pools: many servers and tests share one test cluster; a loaded CI machine may keep a request waiting
        // for a connection longer than the production bound (ConnectionWaitTests sets its own), or answer a bcrypt
        // sign-in after the production 5 s request deadline (FaultTests sets 5 s where it tests that deadline).
        process.environment = ProcessInfo.processInfo.environment.merging(["LOUPE_DB_POOL_SIZE": "8", "LOUPE_DB_WAIT_MS": "30000", "LOUPE_REQUEST_DEADLINE_S": "30", "LOUPE_WEBHOOK_ALLOW_CIDRS": "127.0.0.0/8,::1/128"]) { $1 }.merging(environment) { $1 }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
    }

    var log: String { (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "" }

    /// The port from the server's "listening on" log line; 0 until it has started listening.
    var port: Int {
        boundPort.withLock { known in
            if let known { return known }
            guard let line = log.split(separator: "\n").first(where: { $0.contains("listening on 127.0.0.1:") }),
                  let port = line.split(separator: ":").last.flatMap({ Int($0) }) else { return 0 }
            known = port
            return port
        }
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    /// Waits until `/ready` answers 200, or the process exits, or 60 s pass.
    func waitUntilReady() async throws -> Bool {
        for _ in 0..<600 {
            if !process.isRunning { return false }
            if port > 0, let (status, _) = try? await HTTP.request("GET", baseURL + "/ready"), status == 200 { return true }
            try await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    /// SIGTERM, then the exit status; -1 if it has not exited within 60 s (then SIGKILL), so a stuck
    /// shutdown fails the test instead of stalling the whole run.
    func terminate() async -> Int32 {
        process.terminate()
        return await exitStatus()
    }

    /// The exit status once the process has exited, or -1 (after SIGKILL) when it has not within `seconds`.
    func exitStatus(within seconds: Double = 60) async -> Int32 {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard !process.isRunning else {
            kill(process.processIdentifier, SIGKILL)
            return -1
        }
        return process.terminationStatus
    }
}

/// A fresh database with a ready `loupe serve` on it, an admin key, and task `t` taking any object.
struct ServedDatabase {
    let environment: [String: String]
    let server: ServerProcess
    let admin: String

    static func start(serverEnvironment: [String: String] = [:]) async throws -> ServedDatabase {
        let location = try await TestCluster.freshDatabase()
        let environment = ["DATABASE_URL": try await TestCluster.databaseURL(location)]
        let server = try ServerProcess(environment: environment.merging(serverEnvironment) { $1 })
        guard try await server.waitUntilReady() else { throw HarnessError(message: "loupe serve did not become ready:\n\(server.log)") }
        let admin = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: environment)
        let task = try await HTTP.request("PUT", server.baseURL + "/v1/tasks/t", key: admin, json: ["output_schema": ["type": "object"]])
        guard task.0 == 201 else { throw HarnessError(message: "defining task t answered \(task.0): \(task.1)") }
        return ServedDatabase(environment: environment, server: server, admin: admin)
    }
}

/// Minimal real-HTTP client for end-to-end tests.
enum HTTP {
    /// The line count of a GET's body, read by `curl | wc -l` in their own processes: exports can be large, and
    /// counting 100 MB in a debug-built test takes minutes.
    static func lines(_ url: String, key: String) async throws -> Int {
        try await OffPool.run { try linesBlocking(url, key: key) }
    }

    private static func linesBlocking(_ url: String, key: String) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", "set -o pipefail; curl -sSf --max-time 120 -H \"Authorization: Bearer $KEY\" \"$URL\" | wc -l"]
        process.environment = ["KEY": key, "URL": url, "PATH": "/usr/bin:/bin"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0, let count = Int(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw HarnessError(message: "GET \(url) failed (curl | wc exited \(process.terminationStatus))")
        }
        return count
    }

    /// Status, headers and body text, for checks on headers and problem bodies.
    static func raw(_ method: String, _ url: String, key: String? = nil, json: JSONValue? = nil) async throws -> (Int, [String: String], Data) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let key { request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(JSONWriter.bytes(json))
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] { headers[String(describing: name)] = String(describing: value) }
        return (http?.statusCode ?? 0, headers, data)
    }

    static func request(_ method: String, _ url: String, key: String? = nil, json: JSONValue? = nil) async throws -> (Int, JSONValue) {
        let (status, _, data) = try await raw(method, url, key: key, json: json)
        return (status, (try? JSONParser.parse(Array(data))) ?? .null)
    }
}
