import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// `DELETE /v1/items?task=T&external_id=E` (admin): an erasure request. The item's content goes everywhere it was
/// copied, in one transaction, and an `item.erased` event tells upstream systems to erase their copies too.
/// Repeating it answers the same skeleton and appends nothing.
struct ErasureController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.delete, "/v1/items", roles: [.admin], erase)
    }

    @Sendable func erase(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let erasure = deps.erasure else { throw Problem.notFound("this server cannot erase items") }
        let q = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        let task = q["task"].map(String.init) ?? ""
        let externalID = q["external_id"].map(String.init) ?? ""
        if !TaskDefinition.isValidName(task) { errors.append(.init(field: "task", message: "is required: the item's task name")) }
        if externalID.isEmpty || externalID.count > 256 {
            errors.append(.init(field: "external_id", message: "is required: the item's external_id (1–256 characters)"))
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        let erased = try await erasure.erase(.item(task: task, externalID: externalID), actor: context.actor, now: deps.clock.now(), limit: 1)
        let id = if let first = erased.first { first } else { try await erasure.find(task: task, externalID: externalID) }
        guard let id, let item = try await deps.items.get(id) else {
            throw Problem.notFound("task \(task) has no item with external_id \(externalID)")
        }
        return .json(["erased": .bool(!erased.isEmpty), "item": item.json(revealingReviewers: true)])
    }
}
