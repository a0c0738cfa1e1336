import Crypto
import Foundation
import LoupeJSON

/// Consensus: a share of a task's queued items needs several reviews by different people before it is decided.
public enum Consensus {
    /// The reviews `id` needs: the task's `reviews_required` for the share `consensus_rate` of items (chosen by a hash
    /// of the id, independent of audit sampling), else one. Audit samples and disputed items need one decision.
    public static func required(id: UUID, task: TaskDefinition, audit: Bool) -> Int {
        guard task.reviewsRequired > 1, !audit, task.consensusRate > 0 else { return 1 }
        guard task.consensusRate < 1 else { return task.reviewsRequired }
        let digest = Array(SHA256.hash(data: Array("consensus:".utf8) + withUnsafeBytes(of: id.uuid) { Array($0) }))
        let x = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(x) / Double(UInt64.max) < task.consensusRate ? task.reviewsRequired : 1
    }
}

/// One person's review of a consensus item.
public struct ItemReview: Sendable, Equatable {
    public let reviewer: String
    public let action: String
    public let output: JSONValue?
    public let reason: String?
    public let at: Date

    public init(reviewer: String, action: String, output: JSONValue?, reason: String?, at: Date) {
        self.reviewer = reviewer
        self.action = action
        self.output = output
        self.reason = reason
        self.at = at
    }

    /// `{by, action, output, reason, at}`; `by` is shown as "reviewer" to those who do not see reviewers.
    public func json(revealingReviewers reveal: Bool) -> JSONValue {
        ["by": .string(reveal ? reviewer : ReviewerIdentity.shown(reviewer)), "action": .string(action), "output": output ?? .null,
         "reason": reason.map(JSONValue.string) ?? .null, "at": .string(Timestamp.string(at))]
    }
}

/// Reviews of consensus items.
public protocol ConsensusRepository: Sendable {
    /// Records the caller's review of an item they lease that needs `required` reviews. Until there are that many the
    /// item goes back to the queue; then agreeing reviews decide it ("consensus"), disagreeing ones make it `disputed`.
    func review(id: UUID, actor: String, decision: HumanDecision, required: Int, now: Date) async throws -> ItemRecord
    /// The item's reviews, oldest first.
    func reviews(item: UUID) async throws -> [ItemReview]
}

/// Agreement over items with at least two reviews, overall (`pointer` "") or for one field.
public struct AgreementFigure: Sendable, Equatable {
    public let pointer: String
    public let items: Int
    /// Krippendorff's alpha, nominal; nil when every value is the same (no variation to agree about).
    public let alpha: Double?
    public let percent: Double

    public init(pointer: String, items: Int, alpha: Double?, percent: Double) {
        self.pointer = pointer
        self.items = items
        self.alpha = alpha
        self.percent = percent
    }

    public var json: JSONObject {
        func r(_ x: Double) -> JSONValue { .double((x * 10000).rounded() / 10000) }
        return ["items": .int(items), "alpha": alpha.map(r) ?? .null, "percent": r(percent)]
    }

    /// `{items, overall: {alpha, percent}, fields: [{pointer, items, alpha, percent}]}`.
    public static func json(_ figures: [AgreementFigure]) -> JSONValue {
        let overall = figures.first { $0.pointer.isEmpty }
        var fields: [JSONValue] = []
        for figure in figures where !figure.pointer.isEmpty {
            var o = figure.json
            o["pointer"] = .string(figure.pointer)
            fields.append(.object(o))
        }
        return ["items": .int(overall?.items ?? 0),
                "overall": overall.map { .object(["alpha": $0.json["alpha"] ?? .null, "percent": $0.json["percent"] ?? .null]) } ?? .null,
                "fields": .array(fields)]
    }
}

/// One reviewer's figures on a task.
public struct ReviewerFigure: Sendable, Equatable {
    public let reviewer: String
    public let name: String?
    public let decisions: Int
    public let medianSeconds: Double?
    /// Their reviews of consensus items now decided, and how many of them matched the decision.
    public let compared: Int
    public let agreed: Int
    /// Gold items they answered, how many exactly right, and per leaf field the share right (`{pointer: share}`).
    public var goldItems = 0
    public var goldRight = 0
    public var goldFields: JSONValue = .null

    public init(reviewer: String, name: String?, decisions: Int, medianSeconds: Double?, compared: Int, agreed: Int) {
        self.reviewer = reviewer
        self.name = name
        self.decisions = decisions
        self.medianSeconds = medianSeconds
        self.compared = compared
        self.agreed = agreed
    }

    /// The figures a reviewer may see of themselves: gold results are for leads and analysts, and a reviewer who saw
    /// them change could tell which items were gold.
    public var withoutGold: ReviewerFigure {
        var figure = self
        (figure.goldItems, figure.goldRight, figure.goldFields) = (0, 0, .null)
        return figure
    }

    /// `{by, name, decisions, median_seconds, consensus_agreement, consensus_reviews, gold_items, gold_accuracy,
    /// gold_field_accuracy}`; decisions include answers to gold items.
    public var json: JSONValue {
        ["by": .string(reviewer), "name": name.map(JSONValue.string) ?? .null, "decisions": .int(decisions),
         "median_seconds": medianSeconds.map { .double(($0 * 10).rounded() / 10) } ?? .null,
         "consensus_agreement": compared > 0 ? .double((Double(agreed) / Double(compared) * 10000).rounded() / 10000) : .null,
         "consensus_reviews": .int(compared), "gold_items": .int(goldItems),
         "gold_accuracy": goldItems > 0 ? .double((Double(goldRight) / Double(goldItems) * 10000).rounded() / 10000) : .null,
         "gold_field_accuracy": goldFields]
    }
}
