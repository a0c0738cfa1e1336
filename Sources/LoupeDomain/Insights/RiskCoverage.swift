import Foundation
import LoupeJSON

/// Items and weighted human verdicts at one confidence percentile (confidence in [index/100, (index+1)/100)).
public struct RiskBucket: Sendable, Equatable {
    public let index: Int
    public let items: Int
    public let verdicts: Int
    /// Σ weights, Σ weights of wrong verdicts, Σ squared weights, over the verdicts.
    public let weight: Double
    public let wrongWeight: Double
    public let weightSquares: Double

    public init(index: Int, items: Int, verdicts: Int, weight: Double, wrongWeight: Double, weightSquares: Double) {
        self.index = index
        self.items = items
        self.verdicts = verdicts
        self.weight = weight
        self.wrongWeight = wrongWeight
        self.weightSquares = weightSquares
    }
}

/// For each candidate threshold: the share of items it would auto-approve and the error among them.
///
/// Verdicts come from people reviewing items below the threshold in force (every one is reviewed: weight 1)
/// and from audits of auto-approved items (one in `1/audit_rate` is audited: weight `1/audit_rate`, the rate in
/// force when the item arrived). The error at threshold t is the weighted share of wrong verdicts among items with
/// confidence ≥ t, a Horvitz–Thompson ratio estimate; its 95% interval is Wilson's at Kish's effective sample size
/// (Σw)² / Σw². Assumes verdicts are right, audits are drawn at random, and reviewed items missing a verdict are
/// missing at random.
public enum RiskCoverage {
    public struct Point: Sendable, Equatable {
        public let threshold: Double
        public let coverage: Double
        public let error: Double?
        public let low: Double?
        public let high: Double?
        public let n: Int
    }

    public static func points(_ buckets: [RiskBucket], thresholds: ClosedRange<Int> = 50...99) -> [Point] {
        let total = buckets.reduce(0) { $0 + $1.items }
        return thresholds.map { percent in
            let above = buckets.filter { $0.index >= percent }
            let items = above.reduce(0) { $0 + $1.items }, n = above.reduce(0) { $0 + $1.verdicts }
            let w = above.reduce(0.0) { $0 + $1.weight }, wrong = above.reduce(0.0) { $0 + $1.wrongWeight }
            let w2 = above.reduce(0.0) { $0 + $1.weightSquares }
            let coverage = total == 0 ? 0 : Double(items) / Double(total)
            guard w > 0, w2 > 0 else { return Point(threshold: Double(percent) / 100, coverage: coverage, error: nil, low: nil, high: nil, n: n) }
            let error = wrong / w
            let effective = w * w / w2
            return Point(threshold: Double(percent) / 100, coverage: coverage, error: error,
                         low: wilson(error, effective, lower: true), high: wilson(error, effective, lower: false), n: n)
        }
    }

    /// Wilson's interval at a fractional sample size.
    public static func wilson(_ p: Double, _ n: Double, lower: Bool, z: Double = 1.96) -> Double {
        let z2 = z * z
        let centre = p + z2 / (2 * n)
        let margin = z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot()
        return lower ? max(0, (centre - margin) / (1 + z2 / n)) : min(1, (centre + margin) / (1 + z2 / n))
    }

    /// The lowest threshold (the most coverage) whose upper bound stays at or under `target` with `minSample` verdicts.
    public static func recommend(_ points: [Point], target: Double, minSample: Int) -> Point? {
        points.first { ($0.high ?? 1) <= target && $0.n >= minSample }
    }

    public static func json(_ buckets: [RiskBucket], target: Double, minSample: Int, current: Double) -> JSONValue {
        func r(_ x: Double?) -> JSONValue { x.map { .double(($0 * 10000).rounded() / 10000) } ?? .null }
        let all = points(buckets)
        var o: JSONObject = [
            "points": .array(all.map { p in
                ["threshold": .double(p.threshold), "coverage": r(p.coverage), "error": r(p.error),
                 "ci": p.error == nil ? .null : .array([r(p.low), r(p.high)]), "n": .int(p.n)]
            }),
            "current_threshold": .double(current), "target_error": .double(target), "min_sample": .int(minSample),
        ]
        if let best = recommend(all, target: target, minSample: minSample) {
            o["recommended"] = ["threshold": .double(best.threshold), "coverage": r(best.coverage), "error_upper": r(best.high)]
            o["why"] = .string("the lowest threshold whose 95% upper bound on the error (\(JSONNumber(((best.high ?? 0) * 10000).rounded() / 10000).literal)) "
                + "is at most \(JSONNumber(target).literal), resting on \(best.n) human verdicts")
        } else {
            o["recommended"] = .null
            o["why"] = .string("no threshold from 0.50 to 0.99 has at least \(minSample) human verdicts above it with a 95% upper bound "
                + "on the error at most \(JSONNumber(target).literal)")
        }
        return .object(o)
    }
}

/// Upkeep of the sums risk–coverage reads.
public protocol RollupRepository: Sendable {
    /// Folds the deltas writes appended into one row per key.
    func compact() async throws
    /// Tasks whose field rollup was built for other leaf fields than their schema's now (or never built), with that schema.
    func staleFieldRollups() async throws -> [(task: String, schema: JSONValue)]
    /// Recounts a task's field rollup from its items for these leaf fields (a no-op if another server just did).
    func rebuildFieldRollup(task: String, pointers: [String]) async throws
}
