import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// API key administration: list, create (the key is shown once), revoke.
struct KeysController {
    let deps: APIDependencies
    let authenticator: Authenticator

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/keys", roles: [.admin], list)
        routes.add(.post, "/v1/keys", roles: [.admin], create)
        routes.add(.delete, "/v1/keys/{id}", roles: [.admin], revoke)
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        .json(["keys": .array(try await deps.keys.list().map(\.json))])
    }

    @Sendable func create(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        var r = try FieldReader(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4))
        r.rejectUnknown(allowed: ["name", "role", "tasks", "rate_limit"])
        let rateLimit = r.number("rate_limit", in: 0.001...1_000_000)
        let name = r.string("name", required: true, maxLength: 200)
        let roleText = r.string("role", required: true, maxLength: 20)
        let role = roleText.flatMap(Role.init(rawValue:))
        if roleText != nil && role == nil { r.error("role", "must be ingest, reviewer, analyst or admin") }
        var tasks: [String]?
        if let v = r.value("tasks", required: false), !v.isNull {
            if let list = v.arrayValue?.compactMap(\.stringValue), list.count == v.arrayValue?.count, (1...100).contains(list.count),
               list.allSatisfy({ TaskDefinition.isValidName($0) }) {
                tasks = Array(Set(list)).sorted()
            } else {
                r.error("tasks", "must be a list of 1–100 task names")
            }
        }
        guard r.errors.isEmpty, let name, let role else { throw Problem.invalid(r.errors) }
        let created = try await deps.keys.create(name: name, role: role, tasks: tasks, rateLimit: rateLimit, now: deps.clock.now())
        // Both secrets are shown here only: the key is stored as a hash, the callback secret only to sign with.
        return .json(["id": .string(created.id.uuidString.lowercased()), "name": .string(name), "role": .string(role.rawValue),
                      "tasks": tasks.map { .array($0.map(JSONValue.string)) } ?? .null, "rate_limit": rateLimit.map(JSONValue.double) ?? .null,
                      "key": .string(created.key), "callback_secret": .string(created.callbackSecret)],
                     status: .created)
    }

    @Sendable func revoke(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw Problem.notFound("no such key") }
        guard try await deps.keys.revoke(id: id, now: deps.clock.now()) else { throw Problem.notFound("no active key \(text)") }
        authenticator.invalidate()
        return Response(status: .noContent)
    }
}
