import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Curation of few-shot examples by analysts (serving them: ExampleSearchController).
struct ExamplesController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/tasks/{name}/examples/all", roles: [.analyst], list)
        routes.add(.patch, "/v1/examples/{id}", roles: [.analyst], patch)
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        let q = request.uri.queryParameters
        let limit = Int(q["limit"] ?? "50") ?? -1
        guard (1...500).contains(limit) else { throw Problem.invalid(field: "limit", "must be a whole number from 1 to 500") }
        var after: UUID?
        if let a = q["after"] {
            guard let id = UUID(uuidString: String(a)) else { throw Problem.invalid(field: "after", "must be the `next` cursor of a previous page") }
            after = id
        }
        let examples = try await deps.examples.list(task: name, after: after, limit: limit)
        let next: JSONValue = examples.count == limit ? .string(examples.last!.id.uuidString.lowercased()) : .null
        return .json(["examples": .array(examples.map(\.json)), "next": next])
    }

    @Sendable func patch(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw Problem.notFound("no such example") }
        var r = try FieldReader(try await request.jsonBody(limit: 4096, maxDepth: 4))
        r.rejectUnknown(allowed: ["enabled"])
        let enabled = r.value("enabled", required: true)?.boolValue
        if r.errors.isEmpty && enabled == nil { r.error("enabled", "must be true or false") }
        guard r.errors.isEmpty, let enabled else { throw Problem.invalid(r.errors) }
        guard let example = try await deps.examples.setEnabled(id: id, enabled: enabled) else { throw Problem.notFound("no example \(text)") }
        return .json(example.json)
    }
}
