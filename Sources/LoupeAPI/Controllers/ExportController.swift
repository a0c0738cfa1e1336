import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// `GET /v1/export`: correction datasets, streamed page by page.
struct ExportController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/export", roles: [.analyst], export)
    }

    @Sendable func export(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let (filter, format) = try Self.parse(request.uri.queryParameters)
        guard let task = try await deps.tasks.get(filter.task) else { throw Problem.notFound("there is no task '\(filter.task)'") }
        let repository = deps.export
        let filename = "\(filter.task)-\(format.rawValue == "chat" ? "chat.jsonl" : format.rawValue == "csv" ? "csv" : "jsonl")"
        return Response(
            status: .ok,
            headers: [.contentType: format.contentType, .contentDisposition: "attachment; filename=\"\(filename)\""],
            body: ResponseBody { [logger = context.logger] writer in
                do {
                    try await ExportStream.run(filter, format: format, instructions: task.instructions, from: repository) { chunk in
                        try await writer.write(ByteBuffer(bytes: chunk))
                    }
                } catch {
                    // The status line is already sent: all the client sees is a cut stream, so say why here.
                    logger.error("export of task \(filter.task) stopped: \(String(reflecting: error))")
                    throw error
                }
                try await writer.finish(nil)
            })
    }

    static func parse(_ q: Parameters) throws(Problem) -> (ExportFilter, ExportFormat) {
        var errors: [Problem.FieldError] = []
        let task = q["task"].map(String.init) ?? ""
        if task.isEmpty { errors.append(.init(field: "task", message: "is required")) }
        let format = ExportFormat(rawValue: String(q["format"] ?? "jsonl"))
        if format == nil { errors.append(.init(field: "format", message: "must be jsonl, csv or chat")) }
        var filter = ExportFilter(task: task)
        for (name, keyPath) in [("since", \ExportFilter.since), ("until", \ExportFilter.until)] {
            guard let text = q[Substring(name)] else { continue }
            if let date = Timestamp.parse(String(text)) ?? Timestamp.parse(String(text) + "T00:00:00Z") { filter[keyPath: keyPath] = date } else {
                errors.append(.init(field: name, message: "must be a date (2026-01-31) or an RFC 3339 time"))
            }
        }
        if let a = q["action"] {
            if let action = HumanDecision.Action(rawValue: String(a)) { filter.action = action } else {
                errors.append(.init(field: "action", message: "must be approve, correct or reject"))
            }
        }
        if let since = filter.since, let until = filter.until, since > until {
            errors.append(.init(field: "since", message: "is after until; nothing could match (swap them?)"))
        }
        filter.includeAuto = q["include_auto"] == "true"
        guard errors.isEmpty, let format else { throw Problem.invalid(errors) }
        return (filter, format)
    }
}
