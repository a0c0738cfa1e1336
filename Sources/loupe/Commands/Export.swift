import ArgumentParser
import Foundation
import LoupeDomain
import LoupeServices

/// `loupe export --task T --format F [--out FILE]`: the same stream as `GET /v1/export`.
struct Export: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Export decided items as JSONL, CSV or chat fine-tuning lines.")
    @Option(help: "The task to export.") var task: String
    @Option(help: "jsonl | csv | chat") var format: String = "jsonl"
    @Option(help: "Write here instead of stdout.") var out: String?
    @Option(help: "Only items decided at or after this date (2026-01-31 or RFC 3339).") var since: String?
    @Option(help: "Only items decided before this date.") var until: String?
    @Flag(help: "Include auto-approved items, not only human decisions.") var includeAuto = false
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard ExportFormat(rawValue: format) != nil else { throw ValidationError("--format must be jsonl, csv or chat") }
        for (name, value) in [("--since", since), ("--until", until)] where value.map(Self.date) == .some(nil) {
            throw ValidationError("\(name) must be a date (2026-01-31) or an RFC 3339 time")
        }
    }

    static func date(_ s: String) -> Date? { Timestamp.parse(s) ?? Timestamp.parse(s + "T00:00:00Z") }

    func run() async throws {
        let logger = Logs.make("loupe")
        let session = try await database.open(exclusive: false, logger: logger)
        defer { session.close() }
        let filter = ExportFilter(task: task, since: since.flatMap(Self.date), until: until.flatMap(Self.date), includeAuto: includeAuto)
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil), let h = FileHandle(forWritingAtPath: out) else {
                FileHandle.standardError.write(Data("error: cannot write \(out)\n".utf8))
                throw ExitCode.failure
            }
            handle = h
        } else {
            handle = FileHandle.standardOutput
        }
        let showProgress = isatty(STDERR_FILENO) != 0
        let count = try await AdminTasks.export(session: session, filter: filter, format: ExportFormat(rawValue: format)!, logger: logger,
            progress: { n in if showProgress { FileHandle.standardError.write(Data("\rexported \(n) rows".utf8)) } },
            write: { handle.write(Data($0)) })
        if showProgress { FileHandle.standardError.write(Data("\rexported \(count) rows\n".utf8)) }
        if out != nil { try handle.close() }
    }
}
