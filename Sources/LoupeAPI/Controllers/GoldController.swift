import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Gold items of a task (`/v1/tasks/{name}/gold`): leads add and retire them; leads and analysts see how each was answered.
struct GoldController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.post, "/v1/tasks/{name}/gold", roles: [.lead], create)
        routes.add(.get, "/v1/tasks/{name}/gold", roles: [.lead, .analyst], list)
        routes.add(.delete, "/v1/tasks/{name}/gold/{id}", roles: [.lead], retire)
    }

    var gold: any GoldRepository {
        get throws { guard let gold = deps.gold else { throw Problem.notFound("this server keeps no gold items") }; return gold }
    }

    @Sendable func create(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let name = context.parameters.get("name") ?? ""
        // Checked against the schema as it is now, not a cached copy: the right output must be valid.
        guard let definition = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        try context.principal?.requireTask(name)
        let task = CompiledTask(definition)
        let submission = try GoldSubmission.parse(try await request.jsonBody(limit: deps.limits.maxBytes, maxDepth: deps.limits.maxDepth), task: task)
        let stored = try await gold.create(submission, task: name, reasons: submission.reasons(task: task), actor: context.actor,
                                           now: deps.clock.now())
        return .json(["id": .string(stored.id.uuidString.lowercased()), "created": .bool(stored.created)],
                     status: stored.created ? .created : .ok)
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard try await deps.tasks.get(name) != nil else { throw Problem.notFound("there is no task '\(name)'") }
        try context.principal?.requireTask(name)
        return .json(["gold": .array(try await gold.list(task: name).map(\.json))])
    }

    @Sendable func retire(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let id = try context.parameters.uuid("id")
        try context.principal?.requireTask(name)
        guard try await gold.retire(task: name, id: id, now: deps.clock.now()) else {
            throw Problem.notFound("task '\(name)' has no gold item \(id.uuidString.lowercased())")
        }
        return .json(["id": .string(id.uuidString.lowercased()), "retired": true])
    }
}
