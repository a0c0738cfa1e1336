import Foundation
import LoupeJSON

/// An item handed to a reviewer, with what they need to judge it.
public struct ClaimedItem: Sendable {
    public let item: ItemRecord
    public let task: TaskDefinition
    public let leaseExpiresAt: Date

    public init(item: ItemRecord, task: TaskDefinition, leaseExpiresAt: Date) {
        self.item = item
        self.task = task
        self.leaseExpiresAt = leaseExpiresAt
    }

    /// The item's fields plus `lease_expires_at` and the task's instructions, schema and thresholds.
    public var json: JSONValue {
        guard case .object(var o) = item.json else { return item.json }
        o["lease_expires_at"] = .string(Timestamp.string(leaseExpiresAt))
        o["instructions"] = .string(task.instructions)
        o["output_schema"] = task.outputSchema
        o["threshold"] = .double(task.threshold)
        o["field_thresholds"] = task.json["field_thresholds"]
        return .object(o)
    }
}

/// One row of an item's append-only history.
public struct ItemEvent: Sendable {
    public let id: Int
    public let event: String
    public let actor: String
    /// The display name behind `actor` (an API key's name), shown beside the id.
    public let actorName: String?
    public let at: Date
    public let durationMs: Int?
    public let details: JSONValue

    public init(id: Int, event: String, actor: String, actorName: String? = nil, at: Date, durationMs: Int?, details: JSONValue) {
        self.id = id
        self.event = event
        self.actor = actor
        self.actorName = actorName
        self.at = at
        self.durationMs = durationMs
        self.details = details
    }

    /// The event as `viewer` may see it: other people's and keys' identities only for those who see reviewers.
    public func json(for viewer: Principal?) -> JSONValue {
        let reveal = viewer.map { $0.seesReviewers || $0.actor == actor } ?? true
        return ["id": .int(id), "event": .string(event), "actor": .string(reveal ? actor : ReviewerIdentity.shown(actor)),
         "actor_name": reveal ? actorName.map(JSONValue.string) ?? .null : .null,
         "at": .string(Timestamp.string(at)),
         "duration_ms": durationMs.map { .int($0) } ?? .null, "details": details]
    }
}

/// The review queue: claims under leases, heartbeats, releases, decisions and history.
public protocol ReviewRepository: Sendable {
    /// Leases the next waiting item (priority, then regular before audit, then oldest); nil when none wait.
    /// `scope` limits the claim to those tasks (a task-scoped key); nil for every task. `leaseSeconds` asks for a
    /// shorter lease than the task's (the UI's background claim of the next item); nil for the task's. `disputed` (leads)
    /// claims only disputed items; otherwise they and items the caller already reviewed are passed over.
    func claim(actor: String, task: String?, scope: [String]?, leaseSeconds: Int?, disputed: Bool, now: Date) async throws -> ClaimedItem?
    /// The caller's current leases, so a reloaded page resumes its item.
    func leases(actor: String, now: Date) async throws -> [ClaimedItem]
    /// Extends the caller's lease; 409 if the caller does not hold it.
    func extendLease(id: UUID, actor: String, now: Date) async throws -> Date
    /// Hands the item back to the queue; 409 if the caller does not hold it.
    func release(id: UUID, actor: String, now: Date) async throws
    /// Records a decision; 409 unless the caller holds the lease and the item is undecided.
    func decide(id: UUID, actor: String, decision: HumanDecision, now: Date) async throws -> ItemRecord
    /// Returns expired leases to the queue; the number returned.
    func expireLeases(now: Date) async throws -> Int
    func history(id: UUID) async throws -> [ItemEvent]?
}
