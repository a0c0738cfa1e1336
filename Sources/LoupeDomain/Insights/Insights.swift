import Foundation
import LoupeJSON

/// How much waits for review in one task.
public struct QueueSummary: Sendable {
    public let task: String
    public let waiting: Int
    public let leased: Int
    public let auditWaiting: Int
    public let oldestWaitingAt: Date?

    public init(task: String, waiting: Int, leased: Int, auditWaiting: Int, oldestWaitingAt: Date?) {
        self.task = task
        self.waiting = waiting
        self.leased = leased
        self.auditWaiting = auditWaiting
        self.oldestWaitingAt = oldestWaitingAt
    }

    public var json: JSONValue {
        ["task": .string(task), "waiting": .int(waiting), "leased": .int(leased), "audit_waiting": .int(auditWaiting),
         "oldest_waiting_at": oldestWaitingAt.map { .string(Timestamp.string($0)) } ?? .null]
    }
}

/// Read-only aggregates for the queue overview and the analyst view.
public protocol InsightsRepository: Sendable {
    func queueOverview() async throws -> [QueueSummary]
    /// Counts, rates and a per-day series for the last `days` days up to `now`; nil for an unknown task.
    func stats(task: String, days: Int, now: Date) async throws -> JSONValue?
    /// Items and human verdicts per confidence band (ten bands of 0.1).
    func confidenceBands(task: String) async throws -> [ConfidenceBand]
    /// Per prompt version or model: items, auto-approve rate, correction rate among human verdicts.
    func breakdown(task: String, by column: BreakdownColumn) async throws -> [JSONValue]
    /// Per field (`pointers` and every field a person changed) and band of the model's confidence in it: items
    /// created in the window and human verdicts on them.
    func fieldTallies(task: String, pointers: [String], filter: AnalyticsFilter, now: Date) async throws -> [FieldTally]
    /// Items created in the window per confidence percentile, with their human verdicts weighted for risk–coverage.
    func riskBuckets(task: String, filter: AnalyticsFilter, now: Date) async throws -> [RiskBucket]
    /// Replays `request`'s thresholds over the items of `task` created in its window.
    func whatIf(task: String, request: WhatIfRequest, now: Date) async throws -> WhatIfOutcome
    /// Agreement among the reviews of the task's consensus items, overall and for each of `pointers`.
    func agreement(task: String, pointers: [String]) async throws -> [AgreementFigure]
    /// Per person who reviewed the task's items: decisions, median seconds, agreement with final decisions.
    func reviewerFigures(task: String, pointers: [String]) async throws -> [ReviewerFigure]
}

/// The item columns stats can be broken down by.
public enum BreakdownColumn: String, Sendable { case promptVersion = "prompt_version", model }

/// A stored API key as administrators see it (never the key itself).
public struct APIKeyInfo: Sendable {
    public let id: UUID
    public let name: String
    public let role: Role
    public let createdAt: Date
    public let revokedAt: Date?
    /// The tasks the key is limited to; nil for every task.
    public let tasks: [String]?

    public init(id: UUID, name: String, role: Role, createdAt: Date, revokedAt: Date?, tasks: [String]? = nil) {
        self.tasks = tasks
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    public var json: JSONValue {
        ["id": .string(id.uuidString.lowercased()), "name": .string(name), "role": .string(role.rawValue),
         "created_at": .string(Timestamp.string(createdAt)), "revoked_at": revokedAt.map { .string(Timestamp.string($0)) } ?? .null,
         "tasks": tasks.map { .array($0.map(JSONValue.string)) } ?? .null]
    }
}
