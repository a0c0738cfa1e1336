import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Per-field error analytics (`GET /v1/tasks/{name}/fields`): which fields the model gets wrong, and how often.
struct FieldsController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/tasks/{name}/fields", roles: [.analyst], fields)
    }

    @Sendable func fields(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        let q = request.uri.queryParameters
        var filter = FieldFilter()
        var errors: [Problem.FieldError] = []
        if let d = q["days"] {
            if let days = Int(d), (1...366).contains(days) { filter.days = days } else {
                errors.append(.init(field: "days", message: "must be a whole number from 1 to 366"))
            }
        }
        for (field, keyPath) in [("prompt_version", \FieldFilter.promptVersion), ("model", \FieldFilter.model)] {
            guard let value = q[Substring(field)].map(String.init) else { continue }
            if value.isEmpty || value.count > 200 || value.utf8.contains(0) {
                errors.append(.init(field: field, message: "must be 1–200 characters"))
            } else { filter[keyPath: keyPath] = value }
        }
        var target = 0.02
        if let t = q["target_error"] {
            if let value = Double(t), value > 0, value < 1 { target = value } else {
                errors.append(.init(field: "target_error", message: "must be a number between 0 and 1, e.g. 0.02"))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        let tallies = try await deps.insights.fieldTallies(task: name, pointers: SchemaPaths.leaves(task.outputSchema), filter: filter,
                                                           now: deps.clock.now())
        return .json(FieldAnalytics.json(tallies, target: target, minSample: InsightsController.minSample))
    }
}
