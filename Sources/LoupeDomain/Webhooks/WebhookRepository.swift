import Foundation
import LoupeJSON

/// A delivery claimed for sending by this server.
public struct DueDelivery: Sendable {
    public let id: UUID
    /// nil for a per-item callback.
    public let webhookID: UUID?
    public let url: String
    public let secret: String
    public let event: String
    /// nil for a task-level event, which carries its `task` and `details` instead.
    public let itemID: UUID?
    public var task: String?
    public var details: JSONValue?
    public let attempts: Int
    public let createdAt: Date
    public let consecutiveFailures: Int
    /// The destination (`host[:port]`, lower-cased) this delivery competes for: one slow or dead
    /// destination may only hold a few of the dispatcher's places.
    public var destination: String = ""

    public init(id: UUID, webhookID: UUID?, url: String, secret: String, event: String, itemID: UUID?, attempts: Int, createdAt: Date,
                consecutiveFailures: Int) {
        self.id = id
        self.webhookID = webhookID
        self.url = url
        self.secret = secret
        self.event = event
        self.itemID = itemID
        self.attempts = attempts
        self.createdAt = createdAt
        self.consecutiveFailures = consecutiveFailures
    }
}

/// What one send achieved.
public struct AttemptOutcome: Sendable {
    public let status: Int?
    public let error: String?
    public let durationMs: Int
    public var succeeded: Bool { (200..<300).contains(status ?? 0) }

    public init(status: Int?, error: String?, durationMs: Int) {
        self.status = status
        self.error = error
        self.durationMs = durationMs
    }
}

/// Webhook subscriptions and their outbox (per-item callbacks included).
public protocol WebhookRepository: CallbackRepository {
    func create(url: String, secret: String, events: [String], now: Date) async throws -> Webhook
    func list() async throws -> [Webhook]
    func delete(id: UUID, now: Date) async throws -> Bool
    /// Recent deliveries of a webhook with their attempts; nil for an unknown webhook.
    func deliveries(webhookID: UUID, limit: Int) async throws -> [JSONValue]?
    /// Queues a delivery to be sent again now (same id); false when unknown.
    func redeliver(id: UUID, now: Date) async throws -> Bool
    /// Claims up to `limit` due deliveries whose endpoint is not resting, holding them for `lease` seconds.
    /// Leases up to `limit` due deliveries, at most `perDestination` per destination and none for the
    /// destinations in `excluding` (those already busy on this server).
    func claimDue(now: Date, lease: TimeInterval, limit: Int, perDestination: Int, excluding: [String]) async throws -> [DueDelivery]
    /// Records an attempt: delivered, retry at `retryAt`, or failed for good when `retryAt` is nil; updates the breaker.
    func record(_ delivery: DueDelivery, outcome: AttemptOutcome, now: Date, retryAt: Date?, breakerOpenUntil: Date?) async throws
}
