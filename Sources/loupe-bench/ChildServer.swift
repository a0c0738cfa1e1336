import Foundation

/// A server under test in its own process, as it runs in production: its port is read from its
/// "listening on" log line, and its memory from /proc.
final class ChildServer: Sendable {
    let process: Process
    let port: Int
    let logPath: String

    init(executable: String, arguments: [String], environment: [String: String], logPath: String) async throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        FileManager.default.createFile(atPath: logPath, contents: nil)
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process
        self.logPath = logPath
        var found: Int?
        for _ in 0..<600 where found == nil && process.isRunning {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:") {
                found = Int(text[range.upperBound...].prefix { $0.isNumber })
            } else {
                try await Task.sleep(for: .milliseconds(100))
            }
        }
        guard let found else {
            process.terminate()
            throw BenchError("\(executable) \(arguments.joined(separator: " ")) did not start; its log:\n\((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "")")
        }
        port = found
    }

    /// Peak resident set size so far (VmHWM), in MiB.
    var peakRSSMiB: Double { Self.peakRSSMiB(of: "\(process.processIdentifier)") }
    /// Resident set size now (VmRSS), in MiB.
    var rssMiB: Double { Self.peakRSSMiB(of: "\(process.processIdentifier)", field: "VmRSS:") }

    static func peakRSSMiB(of pid: String, field: String = "VmHWM:") -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field) }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return .nan }
        return kb / 1024
    }

    /// SIGTERM (a graceful drain), then waits for the exit.
    func stop() async {
        guard process.isRunning else { return }
        process.terminate()
        // A graceful stop finishes in-flight requests; one that has not ended in 15 s is killed, so the bench's own exit
        // never waits on it (the 10-million soak's `loupe serve` once outlived its SIGTERM and held the bench open).
        let deadline = ContinuousClock.now + .seconds(15)
        while process.isRunning, ContinuousClock.now < deadline { try? await Task.sleep(for: .milliseconds(50)) }
        guard process.isRunning else { return }
        FileHandle.standardError.write(Data("loupe-bench: pid \(process.processIdentifier) ignored SIGTERM for 15 s; killing it\n".utf8))
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}
