import Foundation

/// What happens to an undecided item when its deadline passes.
public enum DeadlineAction: String, Sendable, CaseIterable {
    /// Decided as rejected, `decision.by = "deadline"`.
    case reject
    /// Decided as approved with the model's output, `decision.by = "deadline"` (never an output the schema refuses).
    case approve
    /// Not decided: raised above every non-escalated item in the queue, `escalated_at` set, event item.escalated.
    case escalate
}

/// An item's deadline as intake resolves it: the submission's own, else the task's default.
public struct ItemDeadline: Sendable, Equatable {
    public let seconds: Int
    public let action: DeadlineAction

    public init(seconds: Int, action: DeadlineAction) {
        self.seconds = seconds
        self.action = action
    }

    /// The deadline a queued item gets; auto-approved items are decided already and get none.
    public static func resolve(_ submission: ItemSubmission, task: TaskDefinition, routing: Routing) -> ItemDeadline? {
        guard routing.status == .pending, let seconds = submission.deadlineSeconds ?? task.deadlineSeconds else { return nil }
        return ItemDeadline(seconds: seconds, action: submission.onDeadline ?? task.onDeadline)
    }

    /// Deadlines are at most a year away.
    public static let range = 1...31_536_000
}

/// What one pass of the deadline service did.
public struct DeadlineOutcome: Sendable, Equatable {
    public var rejected = 0
    public var approved = 0
    public var escalated = 0
    public init(rejected: Int = 0, approved: Int = 0, escalated: Int = 0) {
        self.rejected = rejected
        self.approved = approved
        self.escalated = escalated
    }
    public var total: Int { rejected + approved + escalated }
}

/// Decides or escalates items whose deadline has passed.
public protocol DeadlineRepository: Sendable {
    /// One pass over at most `limit` expired items; servers running it at once never act on one item twice.
    func expire(now: Date, limit: Int) async throws -> DeadlineOutcome
}
