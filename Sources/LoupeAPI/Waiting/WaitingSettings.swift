import Foundation
import LoupeDomain

/// Bounds and rhythms of blocking waits and the event stream.
public struct WaitingSettings: Sendable {
    /// `GET /v1/items/{id}?wait=` accepts 0…this many seconds.
    public var maxWaitSeconds = 300
    /// How often an open event stream looks for new events (events from intake do not notify).
    public var eventPoll: Duration = .milliseconds(500)
    /// A comment line this often keeps proxies from closing a quiet stream.
    public var heartbeat: Duration = .seconds(15)
    /// Open event streams per server beyond this are refused (503).
    public var maxStreams = 256
    public init() {}
}
