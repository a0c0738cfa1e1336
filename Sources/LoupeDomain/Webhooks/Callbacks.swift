import Foundation
import LoupeJSON

/// Which per-item callbacks an admin lists or cancels. Cancelling needs `host` or `itemID` (or both), so a
/// request with no filter never cancels everything.
public struct CallbackFilter: Sendable {
    public var state: String?
    /// The destination's host name, lower case (as in the URL, without port).
    public var host: String?
    public var itemID: UUID?
    public var limit = 100

    public static let states = ["pending", "delivering", "delivered", "failed", "cancelled"]

    public init(state: String? = nil, host: String? = nil, itemID: UUID? = nil) {
        self.state = state
        self.host = host
        self.itemID = itemID
    }
}

/// Per-item callbacks (deliveries with their own URL rather than a webhook's).
public protocol CallbackRepository: Sendable {
    /// Newest first, at most `filter.limit`.
    func callbacks(_ filter: CallbackFilter) async throws -> [JSONValue]
    /// Callback destinations failing now (`consecutive_failures` > 0), resting ones (breaker open) first.
    func restingDestinations(now: Date) async throws -> [JSONValue]
    /// Cancels matching callbacks not yet delivered or failed; returns their ids. A send already in flight
    /// still ends, but its outcome no longer schedules a retry.
    func cancelCallbacks(_ filter: CallbackFilter, by actor: String, now: Date) async throws -> [UUID]
}
