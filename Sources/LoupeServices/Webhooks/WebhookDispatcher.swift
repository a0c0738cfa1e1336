import AsyncHTTPClient
import Foundation
import Logging
import LoupeDomain
import LoupeJSON
import NIOCore
import ServiceLifecycle

/// Sends outbox deliveries: woken by LISTEN/NOTIFY at commit, polling as a fallback. Each delivery is
/// claimed by one server at a time, signed, POSTed with a 10 s timeout, and retried with backoff.
public struct WebhookDispatcher: Service {
    /// Timing and limits of delivery.
    public struct Settings: Sendable {
        public var retry = RetryPolicy()
        public var breaker = CircuitBreaker()
        public var pollInterval: Duration = .seconds(1)
        public var timeoutSeconds: Double = 10
        var timeout: TimeAmount { .milliseconds(Int64(timeoutSeconds * 1000)) }
        public var batch = 16
        public init() {}
    }

    let webhooks: any WebhookRepository
    let items: any ItemRepository
    let clock: any LoupeClock
    let wakeups: AsyncStream<Void>
    let settings: Settings
    let logger: Logger

    public init(webhooks: any WebhookRepository, items: any ItemRepository, clock: any LoupeClock, wakeups: AsyncStream<Void>,
                settings: Settings, logger: Logger) {
        self.webhooks = webhooks
        self.items = items
        self.clock = clock
        self.wakeups = wakeups
        self.settings = settings
        self.logger = logger
    }

    public func run() async throws {
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: .init(redirectConfiguration: .disallow))
        let doorbell = Doorbell()
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in self.wakeups { await doorbell.ring() }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    while !Task.isCancelled {
                        await self.drain(http)
                        await doorbell.wait(timeout: self.settings.pollInterval)
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
        try? await http.shutdown()
    }

    /// Sends due deliveries until none is left.
    func drain(_ http: HTTPClient) async {
        while !Task.isCancelled {
            let due: [DueDelivery]
            do {
                // The lease outlives the send timeout, so a slow receiver is not sent the same delivery twice.
                due = try await webhooks.claimDue(now: clock.now(), lease: settings.timeoutSeconds + 5, limit: settings.batch)
            } catch {
                logger.warning("could not claim webhook deliveries: \(error)")
                return
            }
            if due.isEmpty { return }
            await withTaskGroup(of: Void.self) { group in
                for delivery in due { group.addTask { await self.send(delivery, http) } }
            }
        }
    }

    func send(_ delivery: DueDelivery, _ http: HTTPClient) async {
        let outcome: AttemptOutcome
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let d = ContinuousClock.now - started
            return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            guard let item = try await items.get(delivery.itemID) else { throw DispatchError("item \(delivery.itemID) is gone") }
            let body = JSONWriter.bytes(["event": .string(delivery.event), "item": item.json])
            let timestamp = Int(clock.now().timeIntervalSince1970)
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Loupe-Webhooks/1")
            request.headers.add(name: "Loupe-Delivery", value: delivery.id.uuidString.lowercased())
            request.headers.add(name: "Loupe-Event", value: delivery.event)
            request.headers.add(name: "Loupe-Signature", value: WebhookSignature.header(secret: delivery.secret, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(bytes: body))
            let response = try await http.execute(request, timeout: settings.timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            let status = Int(response.status.code)
            outcome = AttemptOutcome(status: status, error: (200..<300).contains(status) ? nil : "receiver answered \(status)",
                                     durationMs: elapsed())
        } catch {
            outcome = AttemptOutcome(status: nil, error: String(describing: error).prefix(500).description, durationMs: elapsed())
        }
        let now = clock.now()
        let retryAt = outcome.succeeded ? nil : settings.retry.nextAttempt(after: delivery.attempts, createdAt: delivery.createdAt, now: now)
        let breaker = outcome.succeeded ? nil : settings.breaker.openUntil(failures: delivery.consecutiveFailures + 1, now: now)
        do {
            try await webhooks.record(delivery, outcome: outcome, now: now, retryAt: retryAt, breakerOpenUntil: breaker)
        } catch {
            logger.warning("could not record webhook attempt \(delivery.id): \(error)")
        }
        if !outcome.succeeded {
            logger.info("webhook delivery failed", metadata: ["delivery": "\(delivery.id)", "error": "\(outcome.error ?? "")",
                                                             "next": "\(retryAt.map(Timestamp.string) ?? "gave up")"])
        }
    }
}

struct DispatchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
