import Foundation
import LoupeJSON

/// One Server-Sent Event as a client parses it.
struct ReceivedEvent: Sendable {
    let id: String
    let event: String
    let data: JSONValue
}

/// Reads `GET /v1/events` with `curl -N` in its own process, as an upstream system would, until it has
/// `count` events (or `timeout` passes), then hangs up.
enum EventStreamClient {
    static func read(_ url: String, key: String, lastEventID: String? = nil, count: Int, timeout: Double = 20) async throws -> [ReceivedEvent] {
        try await OffPool.run { try readBlocking(url, key: key, lastEventID: lastEventID, count: count, timeout: timeout) }
    }

    private static func readBlocking(_ url: String, key: String, lastEventID: String?, count: Int, timeout: Double) throws -> [ReceivedEvent] {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        var arguments = ["-sN", "--max-time", String(Int(timeout)), "-H", "Authorization: Bearer \(key)"]
        if let lastEventID { arguments += ["-H", "Last-Event-ID: \(lastEventID)"] }
        process.arguments = arguments + [url]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        // SIGKILL: a child of the test process may inherit SIGTERM ignored, and then curl lives until --max-time.
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) }; process.waitUntilExit() }
        var text = ""
        var events: [ReceivedEvent] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while events.count < count {
            // read(2) returns what has arrived; FileHandle.availableData on Linux waits for the pipe to close.
            let n = Glibc.read(out.fileHandleForReading.fileDescriptor, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }  // a signal (the harness's other children exiting), not an end
            if n <= 0 { break }  // curl ended: --max-time or the server closed the stream
            text += String(decoding: buffer[..<n], as: UTF8.self)
            while let end = text.range(of: "\n\n") {
                let block = String(text[..<end.lowerBound])
                text = String(text[end.upperBound...])
                var fields: [String: String] = [:]
                for line in block.split(separator: "\n") where !line.hasPrefix(":") {
                    let parts = line.split(separator: ":", maxSplits: 1)
                    if parts.count == 2 { fields[String(parts[0])] = String(parts[1].dropFirst()) }
                }
                guard let id = fields["id"], let event = fields["event"], let data = fields["data"] else { continue }
                events.append(ReceivedEvent(id: id, event: event, data: (try? JSONParser.parse(Array(data.utf8))) ?? .null))
            }
        }
        return events
    }
}
