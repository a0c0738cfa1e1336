import Foundation
import LoupeJSON

/// An item as stored and as `GET /v1/items/{id}` returns it.
public struct ItemRecord: Sendable {
    public var id: UUID
    public var task: String
    public var externalID: String?
    public var status: ItemStatus
    public var audit: Bool
    public var input: JSONValue
    public var output: JSONValue
    public var confidence: Double
    public var fieldConfidence: JSONValue
    public var model: String?
    public var promptVersion: String?
    public var metadata: JSONValue
    public var priority: Int
    public var reasons: JSONValue
    public var finalOutput: JSONValue
    public var decision: Decision?
    public var createdAt: Date
    /// Review-queue membership: waiting, leased, done, or nil for items never queued.
    public var queueState: String?
    public var leaseHolder: String?
    public var leaseExpiresAt: Date?
    /// When intake auto-approved the item; kept beside a later human verdict on an audit sample.
    public var autoApprovedAt: Date?
    /// The human verdict on an audit-sampled item.
    public var auditVerdict: String?
    /// When the item is decided or escalated unless a person decides first, and which of those happens.
    public var deadlineAt: Date?
    public var onDeadline: DeadlineAction?
    /// When the deadline raised the item above every non-escalated one in the queue.
    public var escalatedAt: Date?
    /// Set when retention or an erasure request removed the content; only the skeleton is left.
    public var erasedAt: Date?
    /// A reviewer's copy of a gold item (never shown: to them it is an item like any other).
    public var gold = false

    /// Who decided what, and when. Auto-approvals are decided by "auto".
    public struct Decision: Sendable {
        public var action: String
        public var by: String
        public var at: Date
        public var reason: String?
        /// RFC 6902 JSON Patch from the output to the final output ([] for an approval; nil without a final output).
        public var changes: JSONValue?
        public init(action: String, by: String, at: Date, reason: String?) {
            self.action = action
            self.by = by
            self.at = at
            self.reason = reason
        }
    }

    public init(id: UUID, task: String, externalID: String?, status: ItemStatus, audit: Bool, input: JSONValue,
                output: JSONValue, confidence: Double, fieldConfidence: JSONValue, model: String?, promptVersion: String?,
                metadata: JSONValue, priority: Int, reasons: JSONValue, finalOutput: JSONValue, decision: Decision?,
                createdAt: Date, queueState: String? = nil, leaseHolder: String? = nil, leaseExpiresAt: Date? = nil,
                autoApprovedAt: Date? = nil, auditVerdict: String? = nil) {
        self.id = id
        self.task = task
        self.externalID = externalID
        self.status = status
        self.audit = audit
        self.input = input
        self.output = output
        self.confidence = confidence
        self.fieldConfidence = fieldConfidence
        self.model = model
        self.promptVersion = promptVersion
        self.metadata = metadata
        self.priority = priority
        self.reasons = reasons
        self.finalOutput = finalOutput
        self.decision = decision
        self.createdAt = createdAt
        self.queueState = queueState
        self.leaseHolder = leaseHolder
        self.leaseExpiresAt = leaseExpiresAt
        self.autoApprovedAt = autoApprovedAt
        self.auditVerdict = auditVerdict
    }

    public var json: JSONValue { json(revealingReviewers: true) }

    /// The item as a caller may see it: without `revealingReviewers`, a person's or key's identity in the
    /// decision and lease becomes "reviewer" (automatic actors such as "auto" stay).
    public func json(revealingReviewers reveal: Bool) -> JSONValue {
        func opt(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
        func who(_ actor: String?) -> JSONValue { opt(reveal ? actor : actor.map(ReviewerIdentity.shown)) }
        let decisionJSON: JSONValue = decision.map {
            ["action": .string($0.action), "by": who($0.by), "at": .string(Timestamp.string($0.at)), "reason": opt($0.reason),
             "changes": $0.changes ?? .null]
        } ?? .null
        return [
            "id": .string(id.uuidString.lowercased()), "task": .string(task), "external_id": opt(externalID),
            "status": .string(status.rawValue), "audit": .bool(audit), "input": input, "output": output,
            "confidence": .double(confidence), "field_confidence": fieldConfidence, "model": opt(model),
            "prompt_version": opt(promptVersion), "metadata": metadata, "priority": .int(priority), "reasons": reasons,
            "final_output": finalOutput, "decision": decisionJSON, "created_at": .string(Timestamp.string(createdAt)),
            "auto_approved_at": autoApprovedAt.map { .string(Timestamp.string($0)) } ?? .null,
            "audit_verdict": opt(auditVerdict),
            "deadline_at": deadlineAt.map { .string(Timestamp.string($0)) } ?? .null, "on_deadline": opt(onDeadline?.rawValue),
            "escalated_at": escalatedAt.map { .string(Timestamp.string($0)) } ?? .null,
            "erased_at": erasedAt.map { .string(Timestamp.string($0)) } ?? .null,
            "queue": opt(queueState),
            "lease": queueState == "leased" ? ["holder": who(leaseHolder), "expires_at": leaseExpiresAt.map { .string(Timestamp.string($0)) } ?? .null] : .null,
        ]
    }
}

/// The answer to one intake: the item's id, its routing, and whether this call created it.
public struct IntakeResult: Sendable {
    public let id: UUID
    public let status: ItemStatus
    public let reasons: JSONValue
    public let created: Bool

    public init(id: UUID, status: ItemStatus, reasons: JSONValue, created: Bool) {
        self.id = id
        self.status = status
        self.reasons = reasons
        self.created = created
    }

    public var json: JSONValue { ["id": .string(id.uuidString.lowercased()), "status": .string(status.rawValue), "reasons": reasons] }
}

/// Hides who reviewed from callers who may not know it (upstream systems, other reviewers).
public enum ReviewerIdentity {
    /// "key:…" and "user:…" become "reviewer"; automatic actors ("auto", "system:…") are shown as they are.
    public static func shown(_ actor: String) -> String {
        actor.hasPrefix("key:") || actor.hasPrefix("user:") ? "reviewer" : actor
    }
}
