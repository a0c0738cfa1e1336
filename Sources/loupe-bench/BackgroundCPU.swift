import Foundation

/// What else used the two cores while a latency run went on: PostgreSQL's own background processes (checkpointer,
/// autovacuum, WAL writer, background writer, by their process titles) and the machine as a whole (`/proc/stat`,
/// steal included). Few-shot p99 after the intake runs was over target with no explanation; this row gives one or
/// rules it out. A background process that exits between the two samples (an autovacuum worker that finished) is not
/// counted; the machine's busy share still shows its work.
struct BackgroundCPU {
    /// CPU seconds per kind of PostgreSQL background process.
    var postgres: [String: Double] = [:]
    /// Jiffies of the whole machine: busy (user, nice, system, irq, softirq), steal, and all.
    var busy = 0.0, steal = 0.0, total = 0.0

    static let kinds = ["checkpointer", "autovacuum", "walwriter", "background writer"]

    static func sample() -> BackgroundCPU {
        var sample = BackgroundCPU()
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] where entry.allSatisfy(\.isNumber) {
            guard let title = try? String(contentsOfFile: "/proc/\(entry)/cmdline", encoding: .utf8), title.hasPrefix("postgres:"),
                  let kind = kinds.first(where: { title.contains($0) }) else { continue }
            sample.postgres[kind, default: 0] += CPU.seconds(of: entry)
        }
        if let line = (try? String(contentsOfFile: "/proc/stat", encoding: .utf8))?.split(separator: "\n").first {
            // cpu user nice system idle iowait irq softirq steal …
            let f = line.split(separator: " ").dropFirst().compactMap { Double($0) }
            if f.count >= 8 {
                sample.busy = f[0] + f[1] + f[2] + f[5] + f[6]
                sample.steal = f[7]
                sample.total = f.prefix(8).reduce(0, +)
            }
        }
        return sample
    }

    /// CPU seconds of all PostgreSQL background processes since `start`.
    func total(since start: BackgroundCPU) -> Double {
        Self.kinds.reduce(0) { $0 + (postgres[$1] ?? 0) - (start.postgres[$1] ?? 0) }
    }

    /// The share of the machine's time the hypervisor took since `start` (0–1): the soak takes a further round for one
    /// that lost more than its limit.
    func stolenShare(since start: BackgroundCPU) -> Double {
        (steal - start.steal) / max(1, total - start.total)
    }

    /// One line: background seconds by kind (only those that ran), and the machine's busy and stolen shares.
    func summary(since start: BackgroundCPU) -> String {
        let ran = Self.kinds.compactMap { kind -> String? in
            let s = (postgres[kind] ?? 0) - (start.postgres[kind] ?? 0)
            return s >= 0.01 ? String(format: "%@ %.2f s", kind, s) : nil
        }
        let total = max(1, self.total - start.total)
        return String(format: "%@; machine busy %.0f%%, steal %.0f%%", ran.isEmpty ? "no PostgreSQL background work" : ran.joined(separator: ", "),
                      (busy - start.busy) / total * 100, (steal - start.steal) / total * 100)
    }
}
