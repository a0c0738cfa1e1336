import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// People (admin): invite with a one-time link shown once (no email needed), change role and groups, deactivate
/// (their sessions end at once), send a password reset link. The link's holder sets a password at `POST /v1/setup`.
struct PeopleController {
    static let inviteLifetime: TimeInterval = 7 * 86_400
    static let resetLifetime: TimeInterval = 86_400
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/users", roles: [.admin], list)
        routes.add(.post, "/v1/users", roles: [.admin], invite)
        routes.add(.patch, "/v1/users/{id}", roles: [.admin], update)
        routes.add(.post, "/v1/users/{id}/reset-link", roles: [.admin], reset)
    }

    var people: any PeopleRepository {
        get throws { guard let people = deps.people else { throw Problem.notFound("this server manages no people") }; return people }
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        .json(["users": .array(try await people.people().map(\.json))])
    }

    @Sendable func invite(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let invitation = try Invitation.parse(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4))
        let token = SessionController.randomToken(), now = deps.clock.now()
        let person = try await people.invite(invitation, tokenHash: APIKeySecret.hash(token), expiresAt: now.addingTimeInterval(Self.inviteLifetime),
                                             now: now)
        return .json(Self.withLink(person, token: token, request: request, context: context, deps: deps), status: .created)
    }

    @Sendable func update(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.uuid("id")
        let change = try PersonChange.parse(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4))
        guard let person = try await people.update(id, change, now: deps.clock.now()) else { throw Problem.notFound("there is no person \(id.uuidString.lowercased())") }
        return .json(person.json)
    }

    @Sendable func reset(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id")
        let token = SessionController.randomToken(), now = deps.clock.now()
        guard let person = try await people.resetLink(id, tokenHash: APIKeySecret.hash(token), expiresAt: now.addingTimeInterval(Self.resetLifetime),
                                                       now: now) else {
            throw Problem.notFound("there is no active person \(id.uuidString.lowercased()); reactivate them first")
        }
        return .json(Self.withLink(person, token: token, request: request, context: context, deps: deps), status: .created)
    }

    /// The person and `setup_url`, shown this once: `<public URL, else this request's host>/setup?token=…`.
    static func withLink(_ person: Person, token: String, request: Request, context: LoupeRequestContext, deps: APIDependencies) -> JSONValue {
        guard case .object(var o) = person.json else { return person.json }
        o["setup_url"] = .string(SetupLinks.url(token: token, security: deps.security, request: request, context: context))
        return .object(o)
    }
}

/// Where one-time links point: `GET /setup?token=…` hands the token to the UI in the URL fragment.
enum SetupLinks {
    static func url(token: String, security: SecuritySettings, request: Request, context: LoupeRequestContext) -> String {
        let scheme = security.isHTTPS(request, peer: context.peer) ? "https" : "http"
        let base = security.publicURL.map { $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
            ?? "\(scheme)://\(request.head.authority ?? "localhost")"
        return "\(base)/setup?token=\(token)"
    }
}
