import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Few-shot examples for upstream prompts: by text (`GET …/examples?query=`), by meaning or both (`POST …/examples/search`).
struct ExampleSearchController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/tasks/{name}/examples", roles: [.ingest, .analyst], serve)
        routes.add(.post, "/v1/tasks/{name}/examples/search", roles: [.ingest, .analyst], search)
    }

    @Sendable func serve(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let task = try await task(context)
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
        let query = q["query"].map { String($0.prefix(4000)) }.flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let hits = try await deps.exampleSearch.search(task: task, query: query, embedding: nil, k: k, maxChars: maxChars)
        return render(hits, task: task, format: format)
    }

    @Sendable func search(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let task = try await task(context)
        // The item limit: an embedding as long as intake accepts fits, and one too long is a 422 that says why.
        var r = try FieldReader(try await request.jsonBody(limit: deps.limits.maxBytes, maxDepth: 4))
        r.rejectUnknown(allowed: ["query", "embedding", "k", "format", "max_chars"])
        let query = r.string("query", maxLength: 4000).flatMap { $0.trimmingCharacters(in: .whitespaces).isEmpty ? nil : $0 }
        let embedding = Embedding.read("embedding", from: &r)
        let k = r.integer("k", in: 1...50) ?? 5
        let maxChars = r.integer("max_chars", in: 1...10_000_000)
        let format = r.string("format") ?? "plain"
        if !["plain", "chat"].contains(format) { r.error("format", "must be plain or chat") }
        if r.errors.isEmpty && query == nil && embedding == nil {
            r.error("query", "give a query, an embedding or both")
        }
        guard r.errors.isEmpty else { throw Problem.invalid(r.errors) }
        let hits = try await deps.exampleSearch.search(task: task, query: query, embedding: embedding, k: k, maxChars: maxChars)
        return render(hits, task: task, format: format)
    }

    private func task(_ context: LoupeRequestContext) async throws -> TaskDefinition {
        let name = context.parameters.get("name") ?? ""
        try context.principal?.requireTask(name)
        guard let task = try await deps.tasks.get(name) else { throw Problem.notFound("there is no task '\(name)'") }
        return task
    }

    private func render(_ hits: [ExampleSearch.Hit], task: TaskDefinition, format: String) -> Response {
        func rounded(_ x: Double) -> JSONValue { .double((x * 1000).rounded() / 1000) }
        var body: JSONObject = ["examples": .array(hits.map { hit in
            let e = hit.example
            var o: JSONObject = ["item_id": .string(e.sourceItem.uuidString.lowercased()), "input": e.input, "output": e.output]
            if let similarity = e.score { o["similarity"] = rounded(similarity) }
            if let cosine = hit.cosine { o["cosine"] = rounded(cosine) }
            if e.score != nil || hit.cosine != nil { o["score"] = rounded(hit.score) }
            return .object(o)
        })]
        if format == "chat" {
            body["messages"] = .array(ChatFormat.messages(instructions: task.instructions, examples: hits.map(\.example)))
        }
        return .json(.object(body))
    }
}
