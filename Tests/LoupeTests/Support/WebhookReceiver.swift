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

    /// The port it really listens on (the OS picks one unless a port is asked for).
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

    /// Listens on `port`, or on a port the OS picks when it is 0 (random ports collide with ephemeral ones).
    /// `delay` holds every answer that long after recording the request (a slow receiver).
    init(port: Int = 0, failFirst: Int = 0, delay: Duration = .zero) async throws {
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
            if delay > .zero { try await Task.sleep(for: delay) }
            if fail { return .internalServerError }
            continuation.yield(received)
            return .noContent
        }
        let (bound, boundContinuation) = AsyncStream.makeStream(of: Int.self)
        let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port)),
                              onServerRunning: { channel in
                                  boundContinuation.yield(channel.localAddress?.port ?? 0)
                                  boundContinuation.finish()
                              }, logger: logger)
        group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        task = Task { [group] in
            defer { boundContinuation.finish() }  // a failed bind ends the wait below
            try await group.run()
        }
        var iterator = bound.makeAsyncIterator()
        guard let actual = await iterator.next(), actual > 0 else {
            let error = await task.result
            throw HarnessError(message: "webhook receiver could not listen on port \(port): \(error)")
        }
        self.port = actual
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
                throw HarnessError(message: "receiver got \(self.all.count) requests, not \(count) deliveries, within \(timeout) s")
            }
            return got
        }
    }

    func stop() async {
        await group.triggerGracefulShutdown()
        _ = try? await task.value
    }
}
