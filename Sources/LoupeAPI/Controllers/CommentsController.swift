import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Comments on an item (`POST/GET /v1/items/{id}/comments`): notes for the next reviewer, or flagged for the lead.
/// They are history rows too, so they also show in `GET /v1/items/{id}/history`, for people (not for ingest keys).
struct CommentsController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.post, "/v1/items/{id}/comments", roles: [.reviewer, .analyst], add)
        routes.add(.get, "/v1/items/{id}/comments", roles: [.reviewer, .analyst], list)
    }

    var comments: any CommentRepository {
        get throws { guard let comments = deps.comments else { throw Problem.notFound("this server keeps no comments") }; return comments }
    }

    @Sendable func add(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.uuid("id")
        let comment = try NewComment.parse(try await request.jsonBody(limit: 64 * 1024, maxDepth: 4))
        try await checkScope(id, context)
        guard let added = try await comments.add(comment, item: id, actor: context.actor, now: deps.clock.now()) else {
            throw Problem.notFound("there is no item \(id.uuidString.lowercased())")
        }
        return .json(added.json(for: context.principal), status: .created)
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id")
        try await checkScope(id, context)
        guard let found = try await comments.comments(item: id) else { throw Problem.notFound("there is no item \(id.uuidString.lowercased())") }
        return .json(["item_id": .string(id.uuidString.lowercased()), "comments": .array(found.map { $0.json(for: context.principal) })])
    }

    /// A task-scoped key comments only on its tasks' items.
    private func checkScope(_ id: UUID, _ context: LoupeRequestContext) async throws {
        if context.principal?.tasks != nil, let item = try await deps.items.get(id) { try context.principal?.requireTask(item.task) }
    }
}
