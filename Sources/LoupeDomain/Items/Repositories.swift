import Foundation
import LoupeJSON

/// A submission that passed parsing and routing, ready to be written.
public struct RoutedItem: Sendable {
    public let id: UUID
    public let submission: ItemSubmission
    public let routing: Routing
    /// Set for queued items when the submission or its task names a deadline.
    public let deadline: ItemDeadline?
    public init(id: UUID, submission: ItemSubmission, routing: Routing, deadline: ItemDeadline? = nil) {
        self.id = id
        self.submission = submission
        self.routing = routing
        self.deadline = deadline
    }
}

/// Filters and cursor for listing items.
public struct ItemQuery: Sendable {
    public var task: String?
    /// The caller's task scope: only these tasks are listed (nil = every task).
    public var allowedTasks: [String]?
    public var status: ItemStatus?
    public var promptVersion: String?
    /// Only items someone flagged for the lead.
    public var flagged = false
    public var limit: Int
    public var after: UUID?
    public var descending: Bool
    public init(task: String? = nil, status: ItemStatus? = nil, limit: Int = 50, after: UUID? = nil, descending: Bool = false) {
        self.task = task
        self.status = status
        self.limit = limit
        self.after = after
        self.descending = descending
    }
}

/// Persistence of tasks.
public protocol TaskRepository: Sendable {
    func upsert(_ task: TaskDefinition, now: Date) async throws -> (task: TaskDefinition, created: Bool)
    func get(_ name: String) async throws -> TaskDefinition?
    func list() async throws -> [TaskDefinition]
}

/// Persistence of items: intake writes, reads and keyset listing.
public protocol ItemRepository: Sendable {
    /// Inserts all items in one statement; existing (task, external_id) pairs come back as they are.
    func insert(_ items: [RoutedItem], actor: String, now: Date) async throws -> [IntakeResult]
    func get(_ id: UUID) async throws -> ItemRecord?
    func list(_ query: ItemQuery) async throws -> [ItemRecord]
}

/// Persistence of API keys, stored as hashes.
public protocol APIKeyRepository: Sendable {
    /// A new key (shown once) limited to `tasks` when given, with its own callback signing secret (shown once).
    func create(name: String, role: Role, tasks: [String]?, rateLimit: Double?, now: Date) async throws -> (id: UUID, key: String, callbackSecret: String)
    /// A fresh callback secret for the key; nil when the key does not exist or is revoked.
    func rotateCallbackSecret(id: UUID) async throws -> String?
    func principal(forKey key: String) async throws -> Principal?
    func list() async throws -> [APIKeyInfo]
    /// False when there is no such active key.
    func revoke(id: UUID, now: Date) async throws -> Bool
}

/// Database health as `/ready` reports it.
public protocol ReadinessProbe: Sendable {
    /// nil when ready; otherwise a sentence saying what is wrong.
    func problem() async -> String?
}

extension APIKeyRepository {
    /// A key for every task.
    public func create(name: String, role: Role, now: Date) async throws -> (id: UUID, key: String, callbackSecret: String) {
        try await create(name: name, role: role, tasks: nil, rateLimit: nil, now: now)
    }
}
