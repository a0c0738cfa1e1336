import Foundation
import Hummingbird
import Logging
import LoupeJSON
import ServiceLifecycle
import Synchronization

/// A real HTTP endpoint that records what Loupe delivers; it can be told to fail its first requests.
final class WebhookReceiver: Sendable {
    struct Received: Sendable {
        let delivery: String
        let event: String
        let signature: String
        let body: String
        var json: JSONValue { (try? JSONParser.parse(body)) ?? .null }
    }

    let port: Int
    var url: String { "http://127.0.0.1:\(port)/hook" }
    /// Shared with the route handler, so it lives in a class.
    final class State: Sendable {
        let value = Mutex<(received: [Received], failuresLeft: Int)>(([], 0))
    }
    private let state = State()
    private let stream: AsyncStream<Received>
    private let continuation: AsyncStream<Received>.Continuation
    private let group: ServiceGroup
    private let task: Task<Void, any Error>

    init(port: Int = Int.random(in: 50_000...60_000), failFirst: Int = 0) async throws {
        self.port = port
        state.value.withLock { $0.failuresLeft = failFirst }
        (stream, continuation) = AsyncStream.makeStream(of: Received.self)
        let router = Router()
        var logger = Logger(label: "receiver")
        logger.logLevel = .error
        let state = self.state, continuation = self.continuation
        router.post("/hook") { request, _ -> HTTPResponse.Status in
            let body = try await request.body.collect(upTo: 1 << 20)
            let received = Received(delivery: request.headers[HTTPFields.Element.Name("Loupe-Delivery")!] ?? "",
                                    event: request.headers[HTTPFields.Element.Name("Loupe-Event")!] ?? "",
                                    signature: request.headers[HTTPFields.Element.Name("Loupe-Signature")!] ?? "",
                                    body: String(buffer: body))
            let fail = state.value.withLock { s -> Bool in
                s.received.append(received)
                if s.failuresLeft > 0 { s.failuresLeft -= 1; return true }
                return false
            }
            if fail { return .internalServerError }
            continuation.yield(received)
            return .noContent
        }
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)), logger: logger)
        group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        task = Task { [group] in try await group.run() }
        // Ready when a connection is accepted.
        for _ in 0..<100 {
            if (try? await HTTP.request("GET", "http://127.0.0.1:\(port)/")) != nil { break }
            try await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Every request so far, failed ones included.
    var all: [Received] { state.value.withLock { $0.received } }

    /// Waits for `count` successful deliveries (or fails after `timeout` seconds).
    func accepted(_ count: Int, timeout: Double = 20) async throws -> [Received] {
        try await withThrowingTaskGroup(of: [Received]?.self) { group in
            group.addTask {
                var got: [Received] = []
                for await r in self.stream {
                    got.append(r)
                    if got.count == count { return got }
                }
                return got
            }
            group.addTask {
                try await Task.sleep(for: .seconds(timeout))
                return nil
            }
            defer { group.cancelAll() }
            guard let got = try await group.next() ?? nil else {
                throw WebDriverError(message: "receiver got \(self.all.count) requests, not \(count) deliveries, within \(timeout) s")
            }
            return got
        }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
