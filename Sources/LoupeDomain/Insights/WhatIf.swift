import Foundation
import LoupeJSON

/// Candidate thresholds to replay over a task's recent items (`POST /v1/tasks/{name}/what-if`).
public struct WhatIfRequest: Sendable {
    public var threshold: Double
    public var fieldThresholds: [String: Double]
    public var days: Int

    /// Reads the body; absent thresholds are the task's own.
    public static func parse(_ body: JSONValue, task: TaskDefinition) throws(Problem) -> WhatIfRequest {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["threshold", "field_thresholds", "days"])
        let threshold = r.number("threshold", in: 0...1) ?? task.threshold
        let fields = r.pointerScores("field_thresholds") ?? task.fieldThresholds
        let days = r.integer("days", in: 1...366) ?? 30
        guard r.errors.isEmpty else { throw Problem.invalid(r.errors) }
        return WhatIfRequest(threshold: threshold, fieldThresholds: fields, days: days)
    }
}

/// How routing would have gone under candidate thresholds, from the items and verdicts of the window.
public struct WhatIfOutcome: Sendable, Equatable {
    public let items: Int
    /// Auto-approved as routed then, and as the candidate thresholds would route them.
    public let autoThen: Int
    public let autoNow: Int
    public let newlyAuto: Int
    public let newlyQueued: Int
    /// Newly auto-approved items a person corrected or rejected: errors the candidate would have let through for sure.
    public let knownErrorsLetThrough: Int
    /// Verdicts among the items the candidate auto-approves, weighted as risk–coverage weighs them.
    public let verdicts: Int
    public let weight: Double
    public let wrongWeight: Double
    public let weightSquares: Double

    public init(items: Int, autoThen: Int, autoNow: Int, newlyAuto: Int, newlyQueued: Int, knownErrorsLetThrough: Int,
                verdicts: Int, weight: Double, wrongWeight: Double, weightSquares: Double) {
        self.items = items
        self.autoThen = autoThen
        self.autoNow = autoNow
        self.newlyAuto = newlyAuto
        self.newlyQueued = newlyQueued
        self.knownErrorsLetThrough = knownErrorsLetThrough
        self.verdicts = verdicts
        self.weight = weight
        self.wrongWeight = wrongWeight
        self.weightSquares = weightSquares
    }

    /// Expected errors among the items the candidate auto-approves: their number × the weighted error rate, with
    /// the rate's Wilson interval at the effective sample size (the risk–coverage estimator, on this set of items).
    public var json: JSONValue {
        var expected: JSONValue = .null
        if weight > 0, weightSquares > 0 {
            let rate = wrongWeight / weight, effective = weight * weight / weightSquares
            let n = Double(autoNow)
            func r(_ x: Double) -> JSONValue { .double((x * 10).rounded() / 10) }
            expected = ["estimate": r(n * rate),
                        "ci": [r(n * RiskCoverage.wilson(rate, effective, lower: true)), r(n * RiskCoverage.wilson(rate, effective, lower: false))],
                        "error_rate": .double((rate * 10000).rounded() / 10000), "n": .int(verdicts)]
        }
        return ["items": .int(items), "auto_then": .int(autoThen), "auto_now": .int(autoNow), "newly_auto": .int(newlyAuto),
                "newly_queued": .int(newlyQueued), "known_errors_let_through": .int(knownErrorsLetThrough), "expected_errors": expected]
    }
}
