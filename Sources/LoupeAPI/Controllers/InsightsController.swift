import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// The queue overview and per-task statistics.
struct InsightsController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/queue", roles: [.reviewer, .analyst], queue)
        routes.add(.get, "/v1/tasks/{name}/stats", roles: [.analyst], stats)
    }

    @Sendable func queue(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        .json(["tasks": .array(try await deps.insights.queueOverview().map(\.json))])
    }

    @Sendable func stats(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        var days = 14
        if let d = request.uri.queryParameters["days"] {
            guard let value = Int(d), (1...366).contains(value) else { throw Problem.invalid(field: "days", "must be a whole number from 1 to 366") }
            days = value
        }
        guard let stats = try await deps.insights.stats(task: name, days: days, now: deps.clock.now()) else {
            throw Problem.notFound("there is no task '\(name)'")
        }
        return .json(stats)
    }
}
