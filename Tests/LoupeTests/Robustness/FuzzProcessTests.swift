import AsyncHTTPClient
import Foundation
import LoupeJSON
import NIOCore
import Testing

/// Generated and oversized requests against a real `loupe serve`: it answers every one below 500 with
/// problem+json errors, stays up, and its peak memory stays under the 150 MiB bound.
@Suite struct FuzzProcessTests {
    @Test func aRealServerSurvivesGeneratedAndOversizedRequestsWithinItsMemoryBound() async throws {
        let served = try await ServedDatabase.start()
        let (server, key) = (served.server, served.admin)

        var rng = FuzzTests.SplitMix(state: 0xF022)
        let paths = ["/v1/items", "/v1/items/batch", "/v1/tasks/t", "/v1/review/claim", "/v1/export?task=t", "/v1/webhooks",
                     "/v1/tasks/t/examples?query=x", "/v1/session"]
        // Large bodies too: a 20 MB batch, a 4 MB string, 100k nested arrays.
        let oversized = [String(repeating: "{\"task\":\"t\"},", count: 1_500_000), "\"" + String(repeating: "x", count: 4 << 20) + "\"",
                         String(repeating: "[", count: 100_000)]
        for i in 0..<300 {
            var request = HTTPClientRequest(url: server.baseURL + paths.randomElement(using: &rng)!)
            request.method = i % 5 == 0 ? .GET : .POST
            if i % 3 != 0 { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
            request.headers.add(name: "Content-Type", value: "application/json")
            let body = i % 100 < 3 ? oversized[i % 100] : FuzzTests.body(&rng)
            if request.method == .POST { request.body = .bytes(ByteBuffer(string: body)) }
            let response = try await HTTPClient.shared.execute(request, timeout: .seconds(30))
            let text = String(buffer: try await response.body.collect(upTo: 64 << 20))
            #expect(response.status.code < 500, "\(request.method) \(request.url) → \(response.status.code): \(text.prefix(300))")
            if response.status.code >= 400 {
                #expect(response.headers["Content-Type"].first == "application/problem+json", "\(request.url) → \(response.status.code)")
            }
        }
        #expect(server.process.isRunning)
        let peak = Self.peakRSSMiB(pid: server.process.processIdentifier)
        #expect(peak > 0 && peak < 150, "peak RSS \(peak) MiB")
        #expect(await server.terminate() == 0)
    }

    /// VmHWM from /proc: the most memory the process has held at once.
    static func peakRSSMiB(pid: Int32) -> Double { memoryMiB(pid: pid, field: "VmHWM") }

    /// A memory field of /proc/PID/status (VmRSS now, VmHWM at its peak), in MiB; -1 when unreadable.
    static func memoryMiB(pid: Int32, field: String) -> Double {
        guard let status = try? String(contentsOfFile: "/proc/\(pid)/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix(field + ":") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return -1 }
        return kb / 1024
    }
}
