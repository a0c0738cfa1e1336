import Foundation

/// A psql session kept open on a pipe: it runs `opening`, holds whatever that took, and ends with `finish`.
/// `@unchecked`: Foundation's Process and Pipe are not Sendable; one test drives a holder from one task at a time.
final class LockHolder: @unchecked Sendable {
    let process: Process
    let input: Pipe

    init(url: String, _ opening: String) throws {
        process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-v", "ON_ERROR_STOP=1", "-Atq"]
        input = Pipe()
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        input.fileHandleForWriting.write(Data((opening + "\n").utf8))
    }

    /// Sends `closing`, ends the session and waits for psql to exit (off the cooperative pool).
    func finish(_ closing: String) async throws {
        input.fileHandleForWriting.write(Data((closing + "\n").utf8))
        try input.fileHandleForWriting.close()
        let process = self.process
        try await OffPool.run { process.waitUntilExit() }
    }
}
