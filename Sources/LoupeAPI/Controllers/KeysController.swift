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
        r.rejectUnknown(allowed: ["name", "role"])
        let name = r.string("name", required: true, maxLength: 200)
        let roleText = r.string("role", required: true, maxLength: 20)
        let role = roleText.flatMap(Role.init(rawValue:))
        if roleText != nil && role == nil { r.error("role", "must be ingest, reviewer, analyst or admin") }
        guard r.errors.isEmpty, let name, let role else { throw Problem.invalid(r.errors) }
        let (id, key) = try await deps.keys.create(name: name, role: role, now: deps.clock.now())
        return .json(["id": .string(id.uuidString.lowercased()), "name": .string(name), "role": .string(role.rawValue), "key": .string(key)],
                     status: .created)
    }

    @Sendable func revoke(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw Problem.notFound("no such key") }
        guard try await deps.keys.revoke(id: id, now: deps.clock.now()) else { throw Problem.notFound("no active key \(text)") }
        authenticator.invalidate()
        return Response(status: .noContent)
    }
}
