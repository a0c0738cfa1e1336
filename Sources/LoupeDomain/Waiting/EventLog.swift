import Foundation
import LoupeJSON

/// A reader's place in the event log: events are read in (transaction id, event id) order, which is
/// commit-safe where the event id alone is not (see migration 0015).
public struct EventCursor: Sendable, Equatable {
    public let txid: UInt64
    public let id: Int64
    public init(txid: UInt64, id: Int64) {
        self.txid = txid
        self.id = id
    }
    /// Before every event.
    public static let start = EventCursor(txid: 0, id: 0)
}

/// One event as the stream sends it: its id, its type, and the item as it is now, or for a task-level event
/// (`task.drift`) its task and what it reports. Neither when the reader does not want this event; the cursor
/// still moves past it.
public struct LoggedEvent: Sendable {
    public let id: Int64
    public let event: String
    public let item: ItemRecord?
    public let task: String?
    public let details: JSONValue?
    public init(id: Int64, event: String, item: ItemRecord?, task: String? = nil, details: JSONValue? = nil) {
        self.id = id
        self.event = event
        self.item = item
        self.task = task
        self.details = details
    }

    /// The body webhooks and the event stream send: `{event, item}`, or `{event, task, drift}` for a task's drift.
    public func body(revealingReviewers reveal: Bool) -> JSONValue? {
        if let item { return ["event": .string(event), "item": item.json(revealingReviewers: reveal)] }
        if let task, let details { return Self.taskBody(event: event, task: task, details: details) }
        return nil
    }

    /// The body of a task-level event.
    public static func taskBody(event: String, task: String, details: JSONValue) -> JSONValue {
        ["event": .string(event), "task": .string(task), "drift": details]
    }
}

/// Which events a reader wants: nil means every task or every type.
public struct EventFilter: Sendable, Equatable {
    public var tasks: [String]?
    public var types: [String]?
    public init(tasks: [String]? = nil, types: [String]? = nil) {
        self.tasks = tasks
        self.types = types
    }
}

/// The event log behind webhooks and `GET /v1/events`.
public protocol EventRepository: Sendable {
    /// The place after the last event every reader can see now: a new stream starts there.
    func tail() async throws -> EventCursor
    /// The place just after event `id`, for `Last-Event-ID`; when it has aged out, the oldest retained event.
    func cursor(after id: Int64) async throws -> EventCursor
    /// Up to `limit` events after `cursor`, in order, and the cursor after the last one read.
    func page(after cursor: EventCursor, filter: EventFilter, limit: Int) async throws -> (events: [LoggedEvent], next: EventCursor)
    /// Deletes up to `limit` events older than `before`; the count deleted.
    func purge(before: Date, limit: Int) async throws -> Int
}
