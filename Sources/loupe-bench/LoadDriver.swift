import Foundation
import Synchronization

/// What one load phase achieved.
struct LoadResult: Sendable {
    let operations: Int
    let seconds: Double
    /// Milliseconds per operation, sorted.
    let latencies: [Double]

    var rate: Double { Double(operations) / seconds }

    func percentile(_ p: Double) -> Double {
        guard !latencies.isEmpty else { return .nan }
        return latencies[min(latencies.count - 1, Int((Double(latencies.count) * p).rounded(.up)) - 1)]
    }
}

/// Runs `operation` from `concurrency` tasks for `seconds` (or until one returns false), timing each call.
/// `operation` returns how many units it did (rows for a batch), 0 to stop.
func runLoad(concurrency: Int, seconds: Double, _ operation: @escaping @Sendable () async throws -> Int) async throws -> LoadResult {
    let clock = ContinuousClock()
    let start = clock.now
    let deadline = start.advanced(by: .milliseconds(Int(seconds * 1000)))
    let results = try await withThrowingTaskGroup(of: (Int, [Double]).self) { group in
        for _ in 0..<concurrency {
            group.addTask {
                var units = 0
                var latencies: [Double] = []
                while clock.now < deadline {
                    let t0 = clock.now
                    let done = try await operation()
                    if done == 0 { break }
                    let elapsed = t0.duration(to: clock.now)
                    latencies.append(Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15)
                    units += done
                }
                return (units, latencies)
            }
        }
        return try await group.reduce(into: [(Int, [Double])]()) { $0.append($1) }
    }
    let elapsed = start.duration(to: clock.now)
    let secondsTaken = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    return LoadResult(operations: results.map(\.0).reduce(0, +), seconds: secondsTaken,
                      latencies: results.flatMap(\.1).sorted())
}

