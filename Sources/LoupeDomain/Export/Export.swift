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

/// One decided item with its JSON columns as PostgreSQL wrote them, so they are copied, not re-parsed.
public struct ExportRow: Sendable {
    public let itemID: UUID
    public let task: String
    public let input: String
    public let output: String
    public let finalOutput: String?
    public let action: String
    public let confidence: Double
    public let promptVersion: String?
    public let model: String?
    public let reviewer: String
    public let decidedAt: Date

    public init(itemID: UUID, task: String, input: String, output: String, finalOutput: String?, action: String, confidence: Double,
                promptVersion: String?, model: String?, reviewer: String, decidedAt: Date) {
        self.itemID = itemID
        self.task = task
        self.input = input
        self.output = output
        self.finalOutput = finalOutput
        self.action = action
        self.confidence = confidence
        self.promptVersion = promptVersion
        self.model = model
        self.reviewer = reviewer
        self.decidedAt = decidedAt
    }
}

/// Decided items, handed over a page at a time.
public protocol ExportRepository: Sendable {
    /// Calls `page` with successive pages of at most `pageSize` rows, in arrival order, from one snapshot.
    func stream(_ filter: ExportFilter, pageSize: Int, page: ([ExportRow]) async throws -> Void) async throws
}

/// Streams an export page by page: memory stays flat whatever the size.
public enum ExportStream {
    public static let pageSize = 1000

    /// Calls `write` with each chunk (header, then one per page); returns the number of rows.
    @discardableResult
    public static func run(_ filter: ExportFilter, format: ExportFormat, instructions: String, from repository: any ExportRepository,
                           progress: @Sendable (Int) -> Void = { _ in },
                           write: ([UInt8]) async throws -> Void) async throws -> Int {
        if format == .csv { try await write(ExportEncoder.csvHeader) }
        var count = 0
        try await repository.stream(filter, pageSize: pageSize) { rows in
            var chunk: [UInt8] = []
            chunk.reserveCapacity(rows.count * 512)
            for row in rows { ExportEncoder.encode(row, format: format, instructions: instructions, into: &chunk) }
            try await write(chunk)
            count += rows.count
            progress(count)
        }
        return count
    }
}
