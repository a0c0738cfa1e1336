import Foundation
import LoupeJSON

/// Dataset formats analysts export.
public enum ExportFormat: String, Sendable, CaseIterable {
    case jsonl, csv, chat

    public var contentType: String {
        switch self {
        case .jsonl, .chat: "application/x-ndjson"
        case .csv: "text/csv; charset=utf-8"
        }
    }
}

/// Which decided items to export.
public struct ExportFilter: Sendable {
    public var task: String
    public var since: Date?
    public var until: Date?
    public var action: HumanDecision.Action?
    /// By default only items decided by a person; with this, auto-approvals too.
    public var includeAuto: Bool

    public init(task: String, since: Date? = nil, until: Date? = nil, action: HumanDecision.Action? = nil, includeAuto: Bool = false) {
        self.task = task
        self.since = since
        self.until = until
        self.action = action
        self.includeAuto = includeAuto
    }
}

/// Decided items, encoded by the store a page at a time.
public protocol ExportRepository: Sendable {
    /// Calls `page` with the encoded lines of successive pages of about `pageBytes` (and their row count), in
    /// item id order, each item at most once; a few pages at most are read ahead of the one `page` is given. Items decided
    /// while an export runs are included when their id is after the page being read. Chat lines carry
    /// `instructions` as the system message.
    func stream(_ filter: ExportFilter, format: ExportFormat, instructions: String, pageBytes: Int,
                page: (_ lines: [UInt8], _ rows: Int) async throws -> Void) async throws
}

/// Streams an export page by page: memory stays flat whatever the size and however slowly the client reads.
public enum ExportStream {
    /// Small enough that hundreds of stalled readers hold little (a few pages each: 30 held 23 MiB at 128 KiB,
    /// 39 MiB at 256 KiB, in ExportBackPressureTests), large enough that a
    /// statement per page costs little next to the bytes it moves.
    public static let pageBytes = 128 << 10

    /// The columns of JSONL objects and CSV rows, in order.
    public static let columns = ["item_id", "task", "input", "output", "final_output", "changes", "action", "confidence", "prompt_version",
                                 "model", "reviewer", "decided_at", "decided_by", "reviews"]
    public static let csvHeader: [UInt8] = Array((columns.joined(separator: ",") + "\r\n").utf8)

    /// Calls `write` with each chunk (header, then one per page); returns the number of rows.
    @discardableResult
    public static func run(_ filter: ExportFilter, format: ExportFormat, instructions: String, from repository: any ExportRepository,
                           progress: @Sendable (Int) -> Void = { _ in },
                           write: ([UInt8]) async throws -> Void) async throws -> Int {
        if format == .csv { try await write(csvHeader) }
        var count = 0
        try await repository.stream(filter, format: format, instructions: instructions, pageBytes: pageBytes) { lines, rows in
            try await write(lines)
            count += rows
            progress(count)
        }
        return count
    }
}
