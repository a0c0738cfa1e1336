import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Threshold science: which fields the model gets wrong (`GET …/fields`), what each threshold would auto-approve at
/// what error (`GET …/risk-coverage`), how recent items would have gone under other thresholds (`POST …/what-if`), and
/// whether the auto-approvals drifted above the task's alert (`GET …/drift`).
struct ThresholdController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/tasks/{name}/fields", roles: [.analyst], fields)
        routes.add(.get, "/v1/tasks/{name}/risk-coverage", roles: [.analyst], riskCoverage)
        routes.add(.post, "/v1/tasks/{name}/what-if", roles: [.analyst], whatIf)
        routes.add(.get, "/v1/tasks/{name}/drift", roles: [.analyst], drift)
    }

    /// The last drift check: the analyst view's banner shows while `drifting` is true.
    @Sendable func drift(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        let status = task.driftAlert == nil ? nil : try await deps.drift?.status(task: name)
        return .json((status ?? DriftStatus(drifting: false, since: nil, checkedAt: nil, estimate: nil)).json(alert: task.driftAlert))
    }

    @Sendable func whatIf(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let name = context.parameters.get("name") ?? ""
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        let candidate = try WhatIfRequest.parse(try await request.jsonBody(limit: 65_536, maxDepth: 4), task: task)
        let outcome = try await deps.insights.whatIf(task: name, request: candidate, now: deps.clock.now())
        guard case .object(var body) = outcome.json else { return .json(outcome.json) }
        body["threshold"] = .double(candidate.threshold)
        body["days"] = .int(candidate.days)
        return .json(.object(body))
    }

    @Sendable func riskCoverage(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let (task, filter, target) = try await parse(request, context)
        let buckets = try await deps.insights.riskBuckets(task: task.name, filter: filter, now: deps.clock.now())
        return .json(RiskCoverage.json(buckets, target: target, minSample: InsightsController.minSample, current: task.threshold))
    }

    @Sendable func fields(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let (task, filter, target) = try await parse(request, context)
        let tallies = try await deps.insights.fieldTallies(task: task.name, pointers: SchemaPaths.leaves(task.outputSchema), filter: filter,
                                                           now: deps.clock.now())
        return .json(FieldAnalytics.json(tallies, target: target, minSample: InsightsController.minSample))
    }

    /// The task, `days` / `prompt_version` / `model`, and `target_error` (default 0.02); 422 naming each bad one.
    private func parse(_ request: Request, _ context: LoupeRequestContext) async throws -> (TaskDefinition, AnalyticsFilter, Double) {
        let name = context.parameters.get("name") ?? ""
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        let q = request.uri.queryParameters
        var filter = AnalyticsFilter()
        var errors: [Problem.FieldError] = []
        if let d = q["days"] {
            if let days = Int(d), (1...366).contains(days) { filter.days = days } else {
                errors.append(.init(field: "days", message: "must be a whole number from 1 to 366"))
            }
        }
        for (field, keyPath) in [("prompt_version", \AnalyticsFilter.promptVersion), ("model", \AnalyticsFilter.model)] {
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
        return (task, filter, target)
    }
}
