import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// First run: while no admin account exists, the holder of the setup link `loupe serve` printed creates one in the
/// browser (`POST /v1/setup`), once, and is signed in.
struct SetupController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.addPublic(.get, "/v1/setup", status)
        routes.addPublic(.post, "/v1/setup", setUp)
    }

    /// Whether the sign-in page should point to the setup link.
    @Sendable func status(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard deps.setup.current != nil else { return .json(["needed": false]) }
        let adminExists = try await deps.users.adminExists()
        return .json(["needed": .bool(!adminExists)])
    }

    @Sendable func setUp(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        var r = try FieldReader(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4))
        r.rejectUnknown(allowed: ["token", "email", "password"])
        let token = r.string("token", required: true, maxLength: 200)
        let email = r.string("email", required: true, maxLength: 254)?.lowercased()
        let password = r.string("password", required: true, maxLength: 1024)
        if let email, !email.contains("@") || email.count < 3 { r.error("email", "must be an email address") }
        if let password, password.count < 8 { r.error("password", "must be at least 8 characters") }
        guard r.errors.isEmpty, let token, let email, let password else { throw Problem.invalid(r.errors) }
        if try await deps.users.adminExists() {
            deps.setup.close()
            throw Problem.conflict("Loupe is already set up: an admin account exists; sign in, or ask an admin for an account")
        }
        guard deps.setup.take(token) else {
            throw Problem.forbidden("this setup link is not valid: use the one `loupe serve` printed when it started (it works once)")
        }
        let user: User
        do {
            user = try await deps.users.create(email: email, role: .admin, passwordHash: try await deps.passwords.hash(password),
                                               now: deps.clock.now())
        } catch {
            deps.setup.restore(token)
            throw error
        }
        return try await SessionController.start(user: user, request: request, context: context, deps: deps)
    }
}
