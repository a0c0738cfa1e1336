import AsyncHTTPClient
import Foundation
import Logging
import LoupeAPI
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
        /// Deliveries in flight at once on this server, and at most this many per destination (host:port),
        /// so one slow or dead receiver cannot hold every place.
        public var maxInFlight = 32
        public var perDestination = 4
        /// Where deliveries may go, checked again at every connect after DNS (rebinding); nil = the policy
        /// intake and registration use (`SecuritySettings.destinations`).
        public var destinations: DestinationPolicy?
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
        let doorbell = Doorbell()
        let places = DeliveryPlaces(total: settings.maxInFlight, perDestination: settings.perDestination)
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await _ in self.wakeups { await doorbell.ring() }
            }
            group.addTask {
                await cancelWhenGracefulShutdown {
                    // Sends run beside the claiming loop, which never waits for them: a free place (a send
                    // finished) rings the doorbell and is filled at once, whatever the slow ones are doing.
                    await withDiscardingTaskGroup { sends in
                        while !Task.isCancelled {
                            while case let due = await self.claim(places), !due.isEmpty {
                                for delivery in due {
                                    sends.addTask {
                                        await self.send(delivery)
                                        places.release(delivery.destination)
                                        await doorbell.ring()
                                    }
                                }
                            }
                            await doorbell.wait(timeout: self.settings.pollInterval)
                        }
                    }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// Leases due deliveries for the free places, skipping destinations that already hold their share.
    func claim(_ places: DeliveryPlaces) async -> [DueDelivery] {
        let (free, busy) = places.snapshot()
        guard free > 0 else { return [] }
        do {
            // The lease outlives the send timeout, so a slow receiver is not sent the same delivery twice.
            let due = try await webhooks.claimDue(now: clock.now(), lease: settings.timeoutSeconds + 5, limit: min(free, settings.batch),
                                                  perDestination: settings.perDestination, excluding: busy)
            for delivery in due { places.take(delivery.destination) }
            return due
        } catch {
            logger.warning("could not claim webhook deliveries: \(error)")
            return []
        }
    }

    /// `{event, item}` with the item as it is now, or `{event, task, drift}` for a task-level event.
    func body(of delivery: DueDelivery) async throws -> JSONValue {
        guard let itemID = delivery.itemID else {
            guard let task = delivery.task, let details = delivery.details else { throw DispatchError("delivery \(delivery.id) has no subject") }
            return LoggedEvent.taskBody(event: delivery.event, task: task, details: details)
        }
        guard let item = try await items.get(itemID) else { throw DispatchError("item \(itemID) is gone") }
        // Per-item callbacks go to the upstream system, which does not learn who reviewed; webhooks are the admin's.
        return ["event": .string(delivery.event), "item": item.json(revealingReviewers: delivery.webhookID != nil)]
    }

    func send(_ delivery: DueDelivery) async {
        let outcome: AttemptOutcome
        let started = ContinuousClock.now
        func elapsed() -> Int {
            let d = ContinuousClock.now - started
            return Int(d.components.seconds * 1000 + d.components.attoseconds / 1_000_000_000_000_000)
        }
        do {
            let body = JSONWriter.bytes(try await body(of: delivery))
            let timestamp = Int(clock.now().timeIntervalSince1970)
            var request = HTTPClientRequest(url: delivery.url)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/json")
            request.headers.add(name: "User-Agent", value: "Loupe-Webhooks/1")
            request.headers.add(name: "Loupe-Delivery", value: delivery.id.uuidString.lowercased())
            request.headers.add(name: "Loupe-Event", value: delivery.event)
            request.headers.add(name: "Loupe-Signature", value: WebhookSignature.header(secret: delivery.secret, timestamp: timestamp, body: body))
            request.body = .bytes(ByteBuffer(bytes: body))
            let status = try await post(request, to: delivery.url)
            outcome = AttemptOutcome(status: status, error: (200..<300).contains(status) ? nil : "receiver answered \(status)",
                                     durationMs: elapsed())
        } catch {
            outcome = AttemptOutcome(status: nil, error: DeliveryFailure.describe(error), durationMs: elapsed())
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

extension WebhookDispatcher {
    /// Sends to the address this delivery's host resolves to now, pinned for the connection (AsyncHTTPClient's
    /// dnsOverride keeps the URL's name for Host and TLS), so a name cannot be checked as public and then
    /// re-resolved to an internal address.
    func post(_ request: HTTPClientRequest, to url: String) async throws -> Int {
        let (host, address) = try await HostResolver.allowedAddress(for: url, policy: settings.destinations ?? DestinationPolicy())
        var configuration = HTTPClient.Configuration(redirectConfiguration: .disallow)
        if IPAddress(host) == nil { configuration.dnsOverride = [host: address.description] }
        let client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            let response = try await client.execute(request, timeout: settings.timeout)
            _ = try? await response.body.collect(upTo: 64 * 1024)
            try? await client.shutdown()
            return Int(response.status.code)
        } catch {
            try? await client.shutdown()
            throw error
        }
    }
}

/// What admins see of a failed attempt: the class of failure, never errno or resolver detail that
/// would turn delivery logs into a port scanner.
enum DeliveryFailure {
    static func describe(_ error: any Error) -> String {
        if let refused = error as? DestinationRefused { return "destination refused: \(refused.reason)" }
        if let dispatch = error as? DispatchError { return dispatch.description }
        let text = String(describing: error).lowercased()
        if text.contains("timeout") || text.contains("deadline") { return "timeout" }
        if text.contains("refused") { return "connection refused" }
        if text.contains("tls") || text.contains("ssl") || text.contains("certificate") || text.contains("handshake") { return "TLS handshake failed" }
        return "connection failed"
    }
}

struct DispatchError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
