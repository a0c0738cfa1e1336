import Hummingbird
import LoupeDomain
import LoupeJSON

/// `PUT/GET /v1/tasks…`: defining the kinds of model output and their routing rules.
struct TasksController {
    let deps: APIDependencies
    let catalog: TaskCatalog

    func register(_ routes: RouteRegistrar) {
        routes.add(.put, "/v1/tasks/{name}", roles: [.admin], put)
        routes.add(.get, "/v1/tasks", roles: [.reviewer, .analyst, .ingest], list)
        routes.add(.get, "/v1/tasks/{name}", roles: [.reviewer, .analyst, .ingest], get)
    }

    @Sendable func put(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let name = context.parameters.get("name") ?? ""
        let body = try await request.jsonBody(limit: deps.limits.maxBytes, maxDepth: deps.limits.maxDepth)
        let definition = try TaskDefinition.parse(name: name, body: body)
        let (stored, created) = try await deps.tasks.upsert(definition, now: deps.clock.now())
        catalog.store(CompiledTask(stored))
        guard case .object(var answer) = stored.json else { return .json(stored.json) }
        answer["warnings"] = .array(definition.warnings.map(JSONValue.string))
        return .json(.object(answer), status: created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let tasks = try await deps.tasks.list().filter { context.principal?.mayUse(task: $0.name) ?? true }
        return .json(["tasks": .array(tasks.map(\.json))])
    }

    @Sendable func get(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        try context.principal?.requireTask(name)
        guard let task = try await deps.tasks.get(name) else {
            throw Problem.notFound("there is no task '\(name)'; define it with PUT /v1/tasks/\(name)")
        }
        return .json(task.json)
    }
}
