import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// The queue overview and per-task statistics.
struct InsightsController {
    /// Fewer human verdicts than this above a threshold is "not enough data".
    static let minSample = 30
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
        var target = 0.02
        if let t = request.uri.queryParameters["target_error"] {
            guard let value = Double(t), value > 0, value < 1 else { throw Problem.invalid(field: "target_error", "must be a number between 0 and 1, e.g. 0.02") }
            target = value
        }
        guard case .object(var stats) = try await deps.insights.stats(task: name, days: days, now: deps.clock.now()) else {
            throw Problem.notFound("there is no task '\(name)'")
        }
        stats["by_prompt_version"] = .array(try await deps.insights.breakdown(task: name, by: .promptVersion))
        stats["by_model"] = .array(try await deps.insights.breakdown(task: name, by: .model))
        stats["calibration"] = Calibration.json(bands: try await deps.insights.confidenceBands(task: name), target: target,
                                                minSample: Self.minSample)
        return .json(.object(stats))
    }
}
