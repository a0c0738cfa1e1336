import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// How far to trust the humans: agreement among the reviews of consensus items (`GET /v1/tasks/{name}/agreement`).
struct ReviewQualityController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/tasks/{name}/agreement", roles: [.lead, .analyst], agreement)
        routes.add(.get, "/v1/tasks/{name}/reviewers", roles: [.reviewer, .analyst], reviewers)
    }

    /// Per reviewer: decisions, median seconds per item, agreement of their consensus reviews with the decision, and
    /// gold results. Leads, analysts and admins see everyone; a reviewer sees their own figures only, without gold.
    @Sendable func reviewers(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        try context.principal?.requireTask(name)
        var figures = try await deps.insights.reviewerFigures(task: name, pointers: Self.leaves(task))
        if let principal = context.principal, !principal.seesReviewers {
            figures = figures.filter { $0.reviewer == principal.actor }.map(\.withoutGold)
        }
        return .json(["reviewers": .array(figures.map(\.json))])
    }

    /// Krippendorff's alpha (nominal) and percent agreement over items with at least two reviews, overall and per leaf
    /// field the schema declares.
    @Sendable func agreement(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        return .json(AgreementFigure.json(try await deps.insights.agreement(task: name, pointers: Self.leaves(task))))
    }

    /// The leaf fields figures are split by (array items, `*`, are not yet split by element and are left out).
    static func leaves(_ task: TaskDefinition) -> [String] {
        SchemaPaths.leaves(task.outputSchema).filter { !$0.contains("*") }
    }
}
