import Foundation

/// PostgreSQL settings for the embedded cluster sized from the memory the process may use: PostgreSQL's defaults
/// (128 MB of shared buffers, a checkpoint per GB of WAL) are sized for a machine that runs something else as well;
/// beside 2 GB of `items` per million, the 10-million soak's few-shot p99 drifted up at every size (README, Soak).
public struct EmbeddedTuning: Sendable {
    /// Memory available to the process in bytes: the cgroup's limit when one is set, otherwise the machine's.
    public let memoryBytes: UInt64

    public init(memoryBytes: UInt64) { self.memoryBytes = memoryBytes }

    /// The tuning for this machine (or container).
    public static func detect() -> EmbeddedTuning {
        let machine = meminfoTotal() ?? 1 << 30
        let limit = cgroupLimit().map { min($0, machine) } ?? machine
        return EmbeddedTuning(memoryBytes: limit)
    }

    /// A quarter of memory for shared buffers (PostgreSQL's own advice for a dedicated server), at least the default
    /// 128 MB and at most 8 GB, past which the operating system's cache serves as well with less double buffering.
    public var sharedBuffersMB: UInt64 { min(max((memoryBytes / 4) >> 20, 128), 8192) }

    /// postgresql.conf lines. WAL: checkpoints every 15 minutes or 2 GB instead of 5 minutes or 1 GB (each checkpoint
    /// makes the next write of every page log the whole page), and those full-page images compressed with lz4.
    public var settings: [String] {
        [
            "shared_buffers = \(sharedBuffersMB)MB",
            "effective_cache_size = \(max((memoryBytes / 2) >> 20, sharedBuffersMB))MB",
            "max_wal_size = 2GB",
            "min_wal_size = 256MB",
            "checkpoint_timeout = 15min",
            "wal_compression = lz4",
        ]
    }

    private static func meminfoTotal() -> UInt64? {
        guard let text = try? String(contentsOfFile: "/proc/meminfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("MemTotal:") }),
              let kib = line.split(separator: " ").dropFirst().first.flatMap({ UInt64($0) })
        else { return nil }
        return kib * 1024
    }

    /// cgroup v2's `memory.max` ("max" when unlimited), then v1's limit (a huge number when unlimited).
    private static func cgroupLimit() -> UInt64? {
        for path in ["/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"] {
            if let text = try? String(contentsOfFile: path, encoding: .utf8),
               let bytes = UInt64(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
                return bytes
            }
        }
        return nil
    }
}
