import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Few-shot examples for upstream prompts, and their curation by analysts.
struct ExamplesController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/tasks/{name}/examples", roles: [.ingest, .analyst], serve)
        routes.add(.get, "/v1/tasks/{name}/examples/all", roles: [.analyst], list)
        routes.add(.patch, "/v1/examples/{id}", roles: [.analyst], patch)
    }

    @Sendable func serve(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let name = context.parameters.get("name") ?? ""
        try context.principal?.requireTask(name)
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        let q = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        let k = Int(q["k"] ?? "5") ?? -1
        if !(1...50).contains(k) { errors.append(.init(field: "k", message: "must be a whole number from 1 to 50")) }
        var maxChars: Int?
        if let m = q["max_chars"] {
            if let value = Int(m), (1...10_000_000).contains(value) { maxChars = value } else {
                errors.append(.init(field: "max_chars", message: "must be a whole number from 1 to 10000000"))
            }
        }
        let format = q["format"].map(String.init) ?? "plain"
        if !["plain", "chat"].contains(format) { errors.append(.init(field: "format", message: "must be plain or chat")) }
        guard errors.isEmpty else { throw Problem.invalid(errors) }

        let examples: [Example]
        if let query = q["query"].map(String.init), !query.trimmingCharacters(in: .whitespaces).isEmpty {
            // Over-fetch by similarity, then diversify: near-duplicates must not take every place.
            let candidates = try await deps.examples.nearest(task: name, query: String(query.prefix(4000)), limit: max(20, k * 4),
                                                                   atLeast: k)
            examples = FewShotSelection.select(candidates, k: k, maxChars: maxChars)
        } else {
            examples = FewShotSelection.trim(try await deps.examples.recent(task: name, limit: k), maxChars: maxChars)
        }
        var body: JSONObject = ["examples": .array(examples.map {
            var o: JSONObject = ["item_id": .string($0.sourceItem.uuidString.lowercased()), "input": $0.input, "output": $0.output]
            if let score = $0.score { o["similarity"] = .double((score * 1000).rounded() / 1000) }
            return .object(o)
        })]
        if format == "chat" { body["messages"] = .array(ChatFormat.messages(instructions: task.instructions, examples: examples)) }
        return .json(.object(body))
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
