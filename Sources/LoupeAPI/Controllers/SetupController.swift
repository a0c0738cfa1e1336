import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// One-time links. First run: while no admin account exists, the holder of the link `loupe serve` printed creates one
/// in the browser (`POST /v1/setup` with an email), once, and is signed in. People an admin invited (or sent a reset
/// link) set their password with the link's token (`POST /v1/setup` without an email) and are signed in.
struct SetupController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.addPublic(.get, "/setup", open)
        routes.addPublic(.get, "/v1/setup", status)
        routes.addPublic(.post, "/v1/setup", setUp)
    }

    /// `/setup?token=…`, the form links take: the UI's setup screen, with the token in the fragment so that nothing the
    /// page loads next sends it anywhere.
    @Sendable func open(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let token = request.uri.queryParameters["token"].map(String.init) ?? ""
        let safe = token.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-" || $0 == "_") }
        return Response(status: .seeOther, headers: [.location: safe ? "/#/setup/\(token)" : "/#/setup/"])
    }

    /// Without a token: whether the sign-in page should point to the first-run link. With one: what it is for.
    @Sendable func status(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        if let token = request.uri.queryParameters["token"].map(String.init), !token.isEmpty {
            if deps.setup.matches(token), try await !deps.users.adminExists() { return .json(["needed": true, "purpose": "first_run"]) }
            guard let (person, purpose) = try await deps.people?.setupLink(tokenHash: APIKeySecret.hash(token), now: deps.clock.now()) else {
                throw Problem.notFound("this link is not valid: it was used already, it expired, or a newer one replaced it; ask an admin for a new one")
            }
            return .json(["needed": true, "purpose": .string(purpose.rawValue), "email": .string(person.email)])
        }
        guard deps.setup.current != nil else { return .json(["needed": false]) }
        let adminExists = try await deps.users.adminExists()
        return .json(["needed": .bool(!adminExists)])
    }

    @Sendable func setUp(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        var r = try FieldReader(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4))
        r.rejectUnknown(allowed: ["token", "email", "password"])
        let token = r.string("token", required: true, maxLength: 200)
        let email = r.string("email", maxLength: 254)?.lowercased()
        let password = r.string("password", required: true, maxLength: 1024)
        if let email, !email.contains("@") || email.count < 3 { r.error("email", "must be an email address") }
        if let password, password.count < 8 { r.error("password", "must be at least 8 characters") }
        guard r.errors.isEmpty, let token, let password else { throw Problem.invalid(r.errors) }
        guard let email else { return try await setPassword(token: token, password: password, request: request, context: context) }
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

    /// An invited person's first password, or a new one from a reset link: the link works once.
    private func setPassword(token: String, password: String, request: Request, context: LoupeRequestContext) async throws -> Response {
        guard let people = deps.people else { throw Problem.invalid(field: "email", "is required") }
        let hash = try await deps.passwords.hash(password)
        guard let user = try await people.completeSetup(tokenHash: APIKeySecret.hash(token), passwordHash: hash, now: deps.clock.now()) else {
            throw Problem.forbidden("this link is not valid: it was used already, it expired, or a newer one replaced it; ask an admin for a new one")
        }
        return try await SessionController.start(user: user, request: request, context: context, deps: deps)
    }
}
