import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON
import ServiceLifecycle
import Synchronization

/// `GET /v1/events`: the event log as Server-Sent Events, for systems that cannot receive webhooks.
/// `id:` is the event id, `event:` its type, `data:` the webhook body; `Last-Event-ID` resumes after an event.
struct EventsController {
    static let pageSize = 100
    let deps: APIDependencies
    let open = OpenStreams()

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/events", roles: [.ingest, .analyst], stream)
    }

    @Sendable func stream(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let events = deps.events else { throw Problem.notFound("this server keeps no event log") }
        let (filter, resume) = try Self.parse(request, scope: context.principal?.tasks)
        var filterInScope = filter
        if filter.tasks == nil, let scope = context.principal?.tasks { filterInScope.tasks = scope.sorted() }
        let start = if let resume { try await events.cursor(after: resume) } else { try await events.tail() }
        guard open.count.wrappingAdd(1, ordering: .relaxed).newValue <= deps.waiting.maxStreams else {
            open.count.wrappingSubtract(1, ordering: .relaxed)
            var problem = Problem.unavailable("this server already serves \(deps.waiting.maxStreams) event streams; retry shortly")
            problem.retryAfter = 5
            throw problem
        }
        let stream = EventStream(events: events, filter: filterInScope, settings: deps.waiting,
                                 reveal: context.principal?.seesReviewers ?? true)
        return Response(
            status: .ok,
            headers: [.contentType: "text/event-stream", .cacheControl: "no-cache", HTTPFields.Element.Name("X-Accel-Buffering")!: "no"],
            body: ResponseBody { [open, logger = context.logger] writer in
                defer { open.count.wrappingSubtract(1, ordering: .relaxed) }
                do {
                    try await stream.run(from: start) { text in try await writer.write(ByteBuffer(string: text)) }
                } catch {
                    logger.debug("event stream ended: \(error)")
                }
                try? await writer.finish(nil)
            })
    }

    /// `task` (comma-separated), `types` (comma-separated), and where to resume: `Last-Event-ID` or `last_event_id`.
    static func parse(_ request: Request, scope: Set<String>?) throws(Problem) -> (EventFilter, Int64?) {
        let q = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        var filter = EventFilter()
        if let text = q["task"] {
            let tasks = text.split(separator: ",").map(String.init)
            if tasks.isEmpty || tasks.count > 100 || !tasks.allSatisfy(TaskDefinition.isValidName) {
                errors.append(.init(field: "task", message: "must be one or more task names, comma-separated"))
            } else {
                if let scope, let outside = tasks.first(where: { !scope.contains($0) }) {
                    throw Problem.forbidden("this key may not read events of task '\(outside)'")
                }
                filter.tasks = tasks
            }
        }
        if let text = q["types"] {
            let types = text.split(separator: ",").map(String.init)
            if types.isEmpty || !types.allSatisfy(Webhook.events.contains) {
                errors.append(.init(field: "types", message: "must be one or more of \(Webhook.events.sorted().joined(separator: ", ")), comma-separated"))
            } else {
                filter.types = Array(Set(types)).sorted()
            }
        }
        var resume: Int64?
        if let text = request.headers[HTTPFields.Element.Name("Last-Event-ID")!] ?? q["last_event_id"].map(String.init) {
            if let id = Int64(text.trimmingCharacters(in: .whitespaces)), id >= 0 { resume = id } else {
                errors.append(.init(field: "Last-Event-ID", message: "must be the id of an event this stream sent (a whole number), or 0 for every kept event"))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return (filter, resume)
    }
}

/// A count shared across tasks: open event streams on this server, or a stop flag.
final class OpenStreams: Sendable {
    let count = Atomic<Int>(0)
}

/// One open stream: pages of events as they become visible, heartbeats while quiet, until the client
/// goes away or the server shuts down.
struct EventStream: Sendable {
    let events: any EventRepository
    let filter: EventFilter
    let settings: WaitingSettings
    let reveal: Bool

    func run(from start: EventCursor, write: (String) async throws -> Void) async throws {
        // A server shutting down ends the stream within one poll; the client resumes with Last-Event-ID.
        let stopping = OpenStreams()
        try await withGracefulShutdownHandler {
            var cursor = start
            try await write("retry: 2000\n\n")
            var quiet = ContinuousClock.now
            while !Task.isCancelled && stopping.count.load(ordering: .relaxed) == 0 {
                let (page, next) = try await events.page(after: cursor, filter: filter, limit: EventsController.pageSize)
                cursor = next
                var text = ""
                for event in page {
                    guard let body = event.body(revealingReviewers: reveal) else { continue }
                    let data = JSONWriter.string(body)
                    text += "id: \(event.id)\nevent: \(event.event)\ndata: \(data)\n\n"
                }
                if !text.isEmpty {
                    try await write(text)
                    quiet = .now
                } else if ContinuousClock.now - quiet >= settings.heartbeat {
                    try await write(": heartbeat\n\n")
                    quiet = .now
                }
                if page.count < EventsController.pageSize { try await Task.sleep(for: settings.eventPoll) }
            }
        } onGracefulShutdown: {
            stopping.count.store(1, ordering: .relaxed)
        }
    }
}
