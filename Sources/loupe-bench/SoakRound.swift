import Foundation

/// One round of the soak's targeted figures at one size. A size takes several rounds and reports each figure's median:
/// a single 10 s `wrk` run's p99 on two shared cores moved more between moments than between sizes (one soak read
/// 89.6, 88.5, 161.6 and 124.7 ms at 0, 1, 5 and 10 million; right after it, on the 10.7-million table and a fresh
/// 60,000-item one alternately, four runs each read 63–80 and 69–74 ms).
struct SoakRound {
    var intakeP99 = 0.0, intakeRate = 0.0, claimP50 = 0.0, claimP99 = 0.0, fewShotP99 = 0.0, exportRate = 0.0, copyRate = 0.0
    /// The decision after each measured claim (client's p50), and the server's own mean time in each of the two routes.
    var decideP50 = 0.0, claimServerMs = 0.0, decideServerMs = 0.0
    /// The share of the machine's time the hypervisor took during the round (0–1), from `/proc/stat`.
    var stolen = 0.0
    /// Whether `stolen` stayed within the soak's limit; only such rounds count towards the median when there are any.
    var calm = true
}

extension Array where Element == SoakRound {
    /// The rounds the medians count: the calm ones, or all of them when none was calm (the report marks which).
    var counted: [SoakRound] {
        let calm = filter(\.calm)
        return calm.isEmpty ? self : calm
    }

    /// The median of one figure over the rounds (the mean of the middle two for an even count).
    func median(_ figure: KeyPath<SoakRound, Double>) -> Double {
        let values = map { $0[keyPath: figure] }.sorted()
        guard !values.isEmpty else { return .nan }
        let middle = values.count / 2
        return values.count % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
    }

    /// Every round's value of one figure, in the order measured, for the report beside the median; a round that lost
    /// more than the limit to the hypervisor says how much.
    func listed(_ figure: KeyPath<SoakRound, Double>, format: String = "%.1f") -> String {
        guard count >= 2 else { return "" }
        return " (rounds " + map { round in
            String(format: format, round[keyPath: figure]) + (round.calm ? "" : String(format: " [%.0f%% stolen]", round.stolen * 100))
        }.joined(separator: ", ") + ")"
    }
}
