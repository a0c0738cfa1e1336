import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Intake (`POST /v1/items`, `/v1/items/batch`) and reading items back.
struct ItemsController {
    static let maxBatch = 1000
    let deps: APIDependencies
    let catalog: TaskCatalog
    let metrics: LoupeMetrics
    let limiter: RateLimiter
    let batches: BatchGate

    func register(_ routes: RouteRegistrar) {
        routes.add(.post, "/v1/items", roles: [.ingest], post)
        routes.add(.post, "/v1/items/batch", roles: [.ingest], batch)
        routes.add(.get, "/v1/items", roles: [.ingest, .reviewer, .analyst], list)
        routes.add(.get, "/v1/items/{id}", roles: Self.readers, get)
    }

    @Sendable func post(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let body = try await request.jsonBody(limit: deps.limits.maxBytes, maxDepth: deps.limits.maxDepth)
        let now = deps.clock.now()
        let routed = try await route(try ItemSubmission.parse(body, destinations: deps.destinations), for: context.principal, now: now)
        let result = try await deps.items.insert([routed], actor: context.actor, now: now)[0]
        if result.created { metrics.routed(result.status) }
        return .json(result.json, status: result.created ? .created : .ok)
    }

    @Sendable func batch(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        // Its turn first, then its body: a waiting batch holds no memory here.
        try await batches.withSlot { try await store(batch: request, context) }
    }

    private func store(batch request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let body = try await request.jsonBody(limit: deps.limits.maxBatchBytes, maxDepth: deps.limits.maxDepth + 2)
        var envelope = try FieldReader(body)
        envelope.rejectUnknown(allowed: ["items"])
        guard envelope.errors.isEmpty else { throw Problem.invalid(envelope.errors) }
        guard case .array(let entries) = body["items"] ?? .null else {
            throw Problem.invalid(field: "items", "is required and must be an array of items")
        }
        guard entries.count <= Self.maxBatch else {
            throw Problem.invalid(field: "items", "holds \(entries.count) items; a batch takes at most \(Self.maxBatch)")
        }
        // A batch counts as one request per item against the key's rate (the gate took one already).
        if let principal = context.principal, entries.count > 1 { try limiter.admit(principal, cost: Double(entries.count - 1)) }
        let now = deps.clock.now()
        // The routed items go straight into the list that is stored (a copy of each was a retain per field); a failed
        // entry keeps its problem in its place in the answer.
        var valid: [RoutedItem] = []
        var problems: [Problem?] = []
        valid.reserveCapacity(entries.count)
        problems.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            do {
                let submission = try ItemSubmission.parse(entry, prefix: "items[\(index)]", destinations: deps.destinations)
                valid.append(try await route(submission, for: context.principal, now: now))
                problems.append(nil)
            } catch let problem as Problem {
                problems.append(problem)
            }
        }
        var stored = try await deps.items.insert(valid, actor: context.actor, now: now).makeIterator()
        // Written straight to bytes, each entry as its JSONValue would be written (IntakeResult+Bytes).
        var answer: [UInt8] = []
        answer.reserveCapacity(16 + problems.count * 200)
        answer.append(contentsOf: #"{"results":["#.utf8)
        for (index, problem) in problems.enumerated() {
            if index > 0 { answer.append(UInt8(ascii: ",")) }
            if let problem {
                JSONWriter.write(["error": ["status": .int(problem.status), "detail": .string(problem.detail)]], into: &answer)
            } else {
                let result = stored.next()!
                if result.created { metrics.routed(result.status) }
                result.write(into: &answer)
            }
        }
        answer.append(contentsOf: "]}".utf8)
        return .json(bytes: answer)
    }

    private func route(_ submission: ItemSubmission, for principal: Principal?, now: Date) async throws -> RoutedItem {
        try principal?.requireTask(submission.task)
        guard let task = try await catalog.task(named: submission.task) else {
            throw Problem.invalid(field: "task", "unknown task '\(submission.task)'; define it first with PUT /v1/tasks/\(submission.task)")
        }
        try submission.embedding?.check(for: task.definition)
        let id = UUIDv7.make(at: now)
        let routing = Routing.route(submission, id: id, task: task)
        // Routed on what the model said; stored without what the task redacts.
        return RoutedItem(id: id, submission: task.definition.redact.apply(to: submission), routing: routing,
                          deadline: ItemDeadline.resolve(submission, task: task.definition, routing: routing))
    }

    /// Who may read an item (and wait for its decision).
    static let readers: Set<Role> = [.ingest, .reviewer, .analyst]

    @Sendable func get(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        try await item(try context.parameters.uuid("id"), request: request, context: context)
    }

    /// One item, at once or (with `wait`) once decided; `WaitAhead` calls this for waits, past the router.
    func item(_ id: UUID, request: Request, context: LoupeRequestContext) async throws -> Response {
        let read = Self.reader(deps.items, id: id, principal: context.principal)
        let reveal = context.principal?.seesReviewers ?? true
        if let wait = try ItemWait.seconds(request.uri.queryParameters, max: deps.waiting.maxWaitSeconds) {
            return try await ItemWait(waiters: deps.waiters, read: read).respond(seconds: wait, reveal: reveal)
        }
        let found = try await read()
        return .json(try await withReviews(found, found.json(revealingReviewers: reveal), principal: context.principal))
    }

    /// `reviews` of a consensus item: people who see reviewers see them at once, everyone else once it is decided.
    func withReviews(_ item: ItemRecord, _ json: JSONValue, principal: Principal?) async throws -> JSONValue {
        guard let consensus = deps.consensus, case .object(var o) = json else { return json }
        let required = try await catalog.task(named: item.task)?.definition.reviewsRequired ?? 1
        guard item.status == .disputed || required > 1 else { return json }
        let reveal = principal?.seesReviewers ?? true
        guard reveal || item.status.isDecided else { return json }
        o["reviews"] = .array(try await consensus.reviews(item: item.id).map { $0.json(revealingReviewers: reveal) })
        return .object(o)
    }

    /// Reads the item, 404 when absent and 403 outside the caller's tasks.
    static func reader(_ items: any ItemRepository, id: UUID, principal: Principal?) -> @Sendable () async throws -> ItemRecord {
        {
            guard let item = try await items.get(id) else { throw Problem.notFound("there is no item \(id.uuidString.lowercased())") }
            try principal?.requireTask(item.task)
            return item
        }
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        var query = ItemQuery()
        var errors: [Problem.FieldError] = []
        query.task = q["task"].map(String.init)
        if let task = query.task, !TaskDefinition.isValidName(task) {
            errors.append(.init(field: "task", message: "is not a task name (1–64 ASCII letters, digits, '_', '.' or '-')"))
        }
        query.promptVersion = q["prompt_version"].map(String.init)
        if let version = query.promptVersion, version.isEmpty || version.count > 200 {
            errors.append(.init(field: "prompt_version", message: "must be 1–200 characters"))
        }
        if let s = q["status"] {
            if let status = ItemStatus(rawValue: String(s)) { query.status = status } else {
                errors.append(.init(field: "status", message: "must be one of \(ItemStatus.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
        }
        if let f = q["flagged"] {
            if let flagged = Bool(String(f)) { query.flagged = flagged } else { errors.append(.init(field: "flagged", message: "must be true or false")) }
        }
        if let l = q["limit"] {
            if let limit = Int(l), (1...500).contains(limit) { query.limit = limit } else {
                errors.append(.init(field: "limit", message: "must be a whole number from 1 to 500"))
            }
        }
        if let a = q["after"] {
            if let after = UUID(uuidString: String(a)) { query.after = after } else {
                errors.append(.init(field: "after", message: "must be the `next` cursor of a previous page"))
            }
        }
        if let o = q["order"] {
            if o == "asc" || o == "desc" { query.descending = o == "desc" } else {
                errors.append(.init(field: "order", message: "must be asc or desc"))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        if let scope = context.principal?.tasks {
            if let task = query.task { try context.principal?.requireTask(task) } else { query.allowedTasks = scope.sorted() }
        }
        let items = try await deps.items.list(query)
        let next: JSONValue = items.count == query.limit ? .string(items.last!.id.uuidString.lowercased()) : .null
        let reveal = context.principal?.seesReviewers ?? true
        return .json(["items": .array(items.map { $0.json(revealingReviewers: reveal) }), "next": next])
    }
}
