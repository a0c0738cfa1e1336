import LoupeJSON

/// A reviewer's verdict on an item.
public struct HumanDecision: Sendable {
    /// What the reviewer did with the model output.
    public enum Action: String, Sendable, CaseIterable { case approve, correct, reject }

    public let action: Action
    /// The corrected output; present exactly when `action == .correct`.
    public let output: JSONValue?
    public let reason: String?

    /// Parses `{action, output?, reason?}`; the schema check of a correction happens against the item's task.
    public static func parse(_ body: JSONValue) throws(Problem) -> HumanDecision {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["action", "output", "reason"])
        let actionText = r.string("action", required: true, maxLength: 20)
        let action = actionText.flatMap(Action.init(rawValue:))
        if actionText != nil && action == nil { r.error("action", "must be approve, correct or reject") }
        let output = r.value("output", required: action == .correct)
        if action != .correct && output != nil { r.error("output", "is only accepted with action \"correct\"") }
        let reason = r.string("reason", maxLength: 2000)
        guard r.errors.isEmpty, let action else { throw Problem.invalid(r.errors) }
        return HumanDecision(action: action, output: output, reason: reason)
    }

    /// The status an item ends in after this decision.
    public var status: ItemStatus {
        switch action {
        case .approve: .approved
        case .correct: .corrected
        case .reject: .rejected
        }
    }
}
