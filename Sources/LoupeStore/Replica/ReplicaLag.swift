import Foundation

/// How far a replica trails the primary, in seconds: the age of the oldest primary WAL position (sampled once a
/// tick) that the replica has not replayed yet. Measured by WAL position rather than replay timestamps, so an idle
/// primary does not make an up-to-date replica look late.
public struct ReplicaLag: Sendable {
    private var samples: [(at: Date, lsn: UInt64)] = []
    let window: TimeInterval

    public init(window: TimeInterval) { self.window = window }

    public mutating func record(primary lsn: UInt64, at now: Date) {
        samples.append((now, lsn))
        samples.removeAll { now.timeIntervalSince($0.at) > window }
    }

    /// Seconds behind for a replica that has replayed up to `replayed`; `window` when it trails every sample.
    public func seconds(replayed: UInt64, now: Date) -> TimeInterval {
        guard let firstUnreplayed = samples.first(where: { $0.lsn > replayed }) else { return 0 }
        return min(window, now.timeIntervalSince(firstUnreplayed.at))
    }

    /// `16/B374D848` → 0x16_B374D848.
    public static func parse(_ lsn: String) -> UInt64? {
        let parts = lsn.split(separator: "/")
        guard parts.count == 2, let high = UInt64(parts[0], radix: 16), let low = UInt64(parts[1], radix: 16) else { return nil }
        return high << 32 | low
    }
}
