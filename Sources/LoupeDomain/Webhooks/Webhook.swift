import Crypto
import Foundation
import LoupeJSON

/// An endpoint upstream systems registered to hear about items.
public struct Webhook: Sendable {
    public static let events: Set<String> = ["item.decided", "item.queued", "item.corrected", "item.escalated", "item.erased", "item.disputed", "task.drift"]
    public let id: UUID
    public let url: String
    public let events: [String]
    public let createdAt: Date
    public let consecutiveFailures: Int
    public let circuitOpenUntil: Date?

    public init(id: UUID, url: String, events: [String], createdAt: Date, consecutiveFailures: Int, circuitOpenUntil: Date?) {
        self.id = id
        self.url = url
        self.events = events
        self.createdAt = createdAt
        self.consecutiveFailures = consecutiveFailures
        self.circuitOpenUntil = circuitOpenUntil
    }

    public var json: JSONValue {
        ["id": .string(id.uuidString.lowercased()), "url": .string(url), "events": .array(events.map(JSONValue.string)),
         "created_at": .string(Timestamp.string(createdAt)), "consecutive_failures": .int(consecutiveFailures),
         "circuit_open_until": circuitOpenUntil.map { .string(Timestamp.string($0)) } ?? .null]
    }

    /// Validates `{url, secret?, events}`; a missing secret is generated (and shown once).
    public static let minSecretBytes = 24

    public static func parse(_ body: JSONValue, policy: DestinationPolicy) throws(Problem) -> (url: String, secret: String, events: [String]) {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["url", "secret", "events"])
        let url = r.string("url", required: true, maxLength: 2000)
        if let url, let refusal = policy.check(url: url) { r.error("url", refusal) }
        let given = r.string("secret", maxLength: 200)
        if let given, given.utf8.count < minSecretBytes {
            r.error("secret", "must be at least \(minSecretBytes) bytes (a short secret can be guessed); omit it to have one generated")
        }
        let secret = given ?? APIKeySecret.generate().replacingOccurrences(of: "lp_", with: "whsec_")
        var events: [String] = []
        if let v = r.value("events", required: true) {
            if let list = v.arrayValue?.compactMap(\.stringValue), list.count == v.arrayValue?.count, !list.isEmpty,
               list.allSatisfy(Webhook.events.contains) {
                events = Array(Set(list)).sorted()
            } else {
                r.error("events", "must be a non-empty array of \(Webhook.events.sorted().joined(separator: ", "))")
            }
        }
        guard r.errors.isEmpty, let url else { throw Problem.invalid(r.errors) }
        return (url, secret, events)
    }
}

/// `Loupe-Signature: t=UNIX,v1=HEX` where v1 = HMAC-SHA256(secret, "t.body").
public enum WebhookSignature {
    public static func header(secret: String, timestamp: Int, body: [UInt8]) -> String {
        "t=\(timestamp),v1=\(hex(secret: secret, timestamp: timestamp, body: body))"
    }

    public static func hex(secret: String, timestamp: Int, body: [UInt8]) -> String {
        let message = Array("\(timestamp).".utf8) + body
        let mac = HMAC<SHA256>.authenticationCode(for: message, using: SymmetricKey(data: Array(secret.utf8)))
        return mac.map { byte in (byte < 16 ? "0" : "") + String(byte, radix: 16) }.joined()
    }
}

/// When to try a failed delivery again, and when to stop.
public struct RetryPolicy: Sendable {
    public var base: TimeInterval
    public var maxInterval: TimeInterval
    public var maxAge: TimeInterval

    public init(base: TimeInterval = 5, maxInterval: TimeInterval = 3600, maxAge: TimeInterval = 24 * 3600) {
        self.base = base
        self.maxInterval = maxInterval
        self.maxAge = maxAge
    }

    /// Exponential backoff with full jitter over the upper half; nil once the delivery is older than `maxAge`.
    public func nextAttempt(after attempts: Int, createdAt: Date, now: Date, random: Double = Double.random(in: 0...1)) -> Date? {
        let ceiling = min(maxInterval, base * pow(2, Double(max(0, attempts - 1))))
        let next = now.addingTimeInterval(ceiling * (0.5 + 0.5 * random))
        return next.timeIntervalSince(createdAt) > maxAge ? nil : next
    }
}

/// Stops hammering an endpoint that keeps failing: after `threshold` failures in a row it rests, longer each time.
public struct CircuitBreaker: Sendable {
    public var threshold: Int
    public var baseOpen: TimeInterval
    public var maxOpen: TimeInterval

    public init(threshold: Int = 5, baseOpen: TimeInterval = 30, maxOpen: TimeInterval = 1800) {
        self.threshold = threshold
        self.baseOpen = baseOpen
        self.maxOpen = maxOpen
    }

    /// Until when the endpoint rests after its `failures`-th failure in a row; nil while still closed.
    public func openUntil(failures: Int, now: Date) -> Date? {
        guard failures >= threshold else { return nil }
        return now.addingTimeInterval(min(maxOpen, baseOpen * pow(2, Double(failures - threshold))))
    }
}
