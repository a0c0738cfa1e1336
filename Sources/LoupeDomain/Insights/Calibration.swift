import Foundation
import LoupeJSON

/// Items in one confidence band of width 0.1 and what people decided about them.
public struct ConfidenceBand: Sendable, Equatable {
    public let index: Int            // 0 = [0.0, 0.1), …, 9 = [0.9, 1.0]
    public let items: Int
    public let reviewed: Int
    public let approvedUnchanged: Int
    /// Reviewed and corrected or rejected: the model was wrong.
    public var wrong: Int { reviewed - approvedUnchanged }

    public init(index: Int, items: Int, reviewed: Int, approvedUnchanged: Int) {
        self.index = index
        self.items = items
        self.reviewed = reviewed
        self.approvedUnchanged = approvedUnchanged
    }

    public var json: JSONValue {
        ["from": .double(Double(index) / 10), "to": .double(Double(index + 1) / 10), "items": .int(items),
         "reviewed": .int(reviewed), "approved_unchanged": .int(approvedUnchanged),
         "share_approved_unchanged": reviewed == 0 ? .null : .double(Double(approvedUnchanged) / Double(reviewed))]
    }
}

/// Where to set the threshold, from human verdicts.
///
/// The error of auto-approving everything at or above a threshold is estimated per band and weighted by how
/// many items each band holds (a stratified estimate): below the current threshold every item is reviewed,
/// above it only audit samples are, so pooling the raw verdicts would over-weight the lower bands.
public enum Calibration {
    public struct Suggestion: Sendable, Equatable {
        public let threshold: Double
        public let estimatedError: Double
        public let wilsonUpper: Double
        public let sampleSize: Int
    }

    /// The estimated error and sample size of auto-approving bands `from`…9; nil when a band with items
    /// has no human verdict (its error cannot be estimated).
    public static func estimate(_ bands: [ConfidenceBand], from: Int) -> (error: Double, sample: Int)? {
        let region = bands.filter { $0.index >= from && $0.items > 0 }
        guard !region.isEmpty, region.allSatisfy({ $0.reviewed > 0 }) else { return nil }
        let items = region.reduce(0) { $0 + $1.items }
        let weighted = region.reduce(0.0) { $0 + Double($1.items) * Double($1.wrong) / Double($1.reviewed) }
        return (weighted / Double(items), region.reduce(0) { $0 + $1.reviewed })
    }

    /// The Wilson score interval's upper bound for a proportion `p` seen in `n` trials (95% by default).
    public static func wilsonUpper(p: Double, n: Int, z: Double = 1.96) -> Double {
        guard n > 0 else { return 1 }
        let n = Double(n), z2 = z * z
        let centre = p + z2 / (2 * n)
        let margin = z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot()
        return min(1, (centre + margin) / (1 + z2 / n))
    }

    /// The Wilson score interval's lower bound.
    public static func wilsonLower(p: Double, n: Int, z: Double = 1.96) -> Double {
        guard n > 0 else { return 0 }
        let n = Double(n), z2 = z * z
        let centre = p + z2 / (2 * n)
        let margin = z * ((p * (1 - p) + z2 / (4 * n)) / n).squareRoot()
        return max(0, (centre - margin) / (1 + z2 / n))
    }

    /// The lowest band edge whose Wilson upper bound on the error stays under `target`, with at least `minSample` verdicts.
    public static func suggest(_ bands: [ConfidenceBand], target: Double, minSample: Int) -> Suggestion? {
        for edge in 0...9 {
            guard let (error, sample) = estimate(bands, from: edge), sample >= minSample else { continue }
            let upper = wilsonUpper(p: error, n: sample)
            if upper <= target {
                return Suggestion(threshold: Double(edge) / 10, estimatedError: error, wilsonUpper: upper, sampleSize: sample)
            }
        }
        return nil
    }

    public static func json(bands: [ConfidenceBand], target: Double, minSample: Int) -> JSONValue {
        var o: JSONObject = ["bands": .array(bands.map(\.json)), "target_error": .double(target), "min_sample": .int(minSample)]
        if let s = suggest(bands, target: target, minSample: minSample) {
            o["suggested_threshold"] = ["threshold": .double(s.threshold), "estimated_error": .double((s.estimatedError * 10000).rounded() / 10000),
                                        "wilson_upper": .double((s.wilsonUpper * 10000).rounded() / 10000), "sample_size": .int(s.sampleSize)]
        } else {
            o["suggested_threshold"] = .null
            o["note"] = .string("not enough data: no threshold has at least \(minSample) human verdicts above it with a 95% upper bound on the error under \(JSONNumber(target).literal)")
        }
        return .object(o)
    }
}
