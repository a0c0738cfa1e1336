import ArgumentParser
import Foundation
import Logging
import LoupeDomain
import LoupeJSON

/// Measures Loupe against the limits of the same machine and prints a table plus one JSON line.
@main
struct LoupeBench: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "loupe-bench", abstract: "Loupe's own benchmark.")

    @Option(help: "Concurrent HTTP clients / database connections for intake.") var concurrency = 32
    @Option(help: "Concurrent reviewers for claim + decide.") var reviewers = 32
    @Option(help: "Pending items in the queue when claim latency is measured.") var pending = 100_000
    @Option(help: "Seconds per throughput phase.") var seconds = 10.0
    @Option(help: "Examples for the few-shot query scenario.") var examples = 100_000
    @Option(help: "Decided rows for the export scenario.") var exportRows = 1_000_000
    @Option(help: "Concurrent blocking waits for the waits scenario.") var waiters = 2000
    @Option(help: "Embedding dimensions for the retrieval scenario's examples.") var dimensions = 384
    @Option(help: "The labelled retrieval set (made by its make_fixture.py).") var retrievalFixture = "Tests/Fixtures/retrieval/retrieval.json"
    @Option(help: "Decided items for the threshold-science scenario.") var decided = 1_000_000
    @Option(help: "Scenarios to run: load, intake, claim, consensus, feedback, retrieval, thresholds, patterns, overload, waits.")
    var only: [String] = ["load", "intake", "claim", "consensus", "feedback", "retrieval", "thresholds", "patterns", "overload", "waits"]
    @Flag(help: "Run the soak instead: grow items to --soak-items while reviewers and intake churn for --soak-minutes.") var soak = false
    @Option(help: "Items the soak grows the table to (measured at 0, 10%, 50% and 100%).") var soakItems = 10_000_000
    @Option(help: "Minutes of churn over the soak's three growth steps.") var soakMinutes = 30.0
    @Option(help: "Rounds of the soak's measurements at each size (each figure reported as their median).") var soakRounds = 3
    @Option(help: "Percent of the machine the hypervisor may take during a soak round before the round is repeated.") var soakStealLimit = 5.0
    @Option(help: "Data directory of the embedded cluster.") var dataDir = "/tmp/loupe-bench-\(getpid())"
    @Flag(help: .hidden) var serveFloor = false

    func run() async throws {
        if serveFloor { return try await BenchServers.serveFloor(connections: concurrency) }
        let only = soak ? [] : self.only
        var logger = Logger(label: "loupe-bench")
        logger.logLevel = .warning
        let servers = try await BenchServers(dataDirectory: dataDir, connections: concurrency, logger: logger)
        defer { try? FileManager.default.removeItem(atPath: dataDir) }
        let report = Report()
        do {
            let setup = try await BenchSetup.prepare(servers)
            if soak {
                try await SoakScenarios(servers: servers, setup: setup, items: soakItems, minutes: soakMinutes, reviewers: reviewers,
                                   rounds: max(1, soakRounds), stealLimit: max(0, soakStealLimit) / 100)
                    .run(into: report)
            }
            if only.contains("load") {
                try await UserLoadScenarios(servers: servers, setup: setup, seconds: Int(seconds)).run(into: report)
            }
            if only.contains("intake") {
                try await IntakeScenarios(servers: servers, setup: setup, concurrency: concurrency, seconds: seconds).run(into: report)
            }
            if only.contains("claim") {
                try await ClaimScenarios(servers: servers, setup: setup, pending: pending, reviewers: reviewers, seconds: seconds)
                    .run(into: report)
            }
            if only.contains("consensus") {
                try await ConsensusScenarios(servers: servers, setup: setup, reviewers: reviewers, seconds: seconds).run(into: report)
            }
            if only.contains("patterns") { try PatternScenarios().run(into: report) }
            if only.contains("overload") {
                try await OverloadScenarios(servers: servers, seconds: Int(seconds)).run(into: report, admin: setup.admin, loupe: setup.loupe)
            }
            if only.contains("waits") {
                try await WaiterScenarios(servers: servers, waiters: waiters).run(into: report, admin: setup.admin, loupe: setup.loupe)
            }
            if only.contains("feedback") {
                try await FeedbackScenarios(servers: servers, setup: setup, examples: examples, exportRows: exportRows).run(into: report)
            }
            if only.contains("retrieval") {
                try await RetrievalScenarios(servers: servers, setup: setup, examples: examples, dimensions: dimensions,
                                             fixture: retrievalFixture).run(into: report)
            }
            if only.contains("thresholds") {
                try await ThresholdScenarios(servers: servers, setup: setup, rows: decided).run(into: report)
            }
            report.row("peak RSS of the loupe serve process over the whole run", servers.loupe.peakRSSMiB, unit: "MiB", limit: 150,
                       target: "< 150 MiB")
            try await setup.shutdown()
        } catch {
            await servers.stop()
            throw error
        }
        await servers.stop()
        report.print(machine: Machine.describe())
    }
}

/// Keys, tasks and HTTP clients every scenario shares.
struct BenchSetup: Sendable {
    let admin: String
    let loupe: HTTPDriver
    let floor: HTTPDriver

    static func prepare(_ servers: BenchServers) async throws -> BenchSetup {
        let admin = try await servers.store.keys.create(name: "bench", role: .admin, now: Date()).key
        let loupe = HTTPDriver(base: "http://127.0.0.1:\(servers.loupe.port)", connections: 64)
        let floor = HTTPDriver(base: "http://127.0.0.1:\(servers.floor.port)", connections: 64)
        for _ in 0..<100 {
            if let (status, _) = try? await loupe.json(.GET, "/ready", key: nil), status == 200 { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let schema: JSONValue = ["type": "object", "required": ["vendor", "total"],
                                 "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]]
        for task in ["bench", "queue"] {
            let (status, _) = try await loupe.json(.PUT, "/v1/tasks/\(task)", key: admin, body: ["output_schema": schema])
            guard status == 201 else { throw ValidationError("could not define task \(task): \(status)") }
        }
        return BenchSetup(admin: admin, loupe: loupe, floor: floor)
    }

    func shutdown() async throws {
        try await loupe.shutdown()
        try await floor.shutdown()
    }
}

enum Machine {
    static func describe() -> String {
        let cpu = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8))?
            .split(separator: "\n").first { $0.hasPrefix("model name") }?.split(separator: ":").last?
            .trimmingCharacters(in: .whitespaces) ?? "unknown CPU"
        return "\(ProcessInfo.processInfo.activeProcessorCount) cores, \(cpu), \(ProcessInfo.processInfo.physicalMemory >> 30) GiB"
    }
}
