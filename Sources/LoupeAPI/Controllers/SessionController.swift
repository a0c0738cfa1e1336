import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// `POST/GET/DELETE /v1/session`: people sign in with email and password and get an HttpOnly cookie.
struct SessionController {
    static let lifetime: TimeInterval = 12 * 3600
    let deps: APIDependencies
    let authenticator: Authenticator

    func register(_ routes: RouteRegistrar) {
        routes.addPublic(.post, "/v1/session", signIn)
        routes.add(.get, "/v1/session", roles: Set(Role.allCases), current)
        routes.addPublic(.delete, "/v1/session", signOut)
    }

    @Sendable func signIn(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        var r = try FieldReader(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4))
        r.rejectUnknown(allowed: ["email", "password"])
        let email = r.string("email", required: true, maxLength: 254)?.lowercased()
        let password = r.string("password", required: true, maxLength: 1024)
        guard r.errors.isEmpty, let email, let password else { throw Problem.invalid(r.errors) }
        // A place in the bounded password checker first: when it is full, nothing else is done or counted.
        let admission = try deps.passwords.admit()
        defer { admission.release() }
        let now = deps.clock.now()
        let security = deps.security
        // Throttles per email and per client address are reserved atomically before the password is checked.
        let subjects = [("addr:" + security.clientAddress(request, peer: context.peer), security.freeAttemptsPerAddress),
                        ("email:" + email, security.freeAttemptsPerEmail)]
        for (subject, free) in subjects {
            if let wait = try await deps.users.reserveLoginAttempt(subject: subject, freeAttempts: free, now: now) {
                let seconds = Int(wait.rounded(.up))
                let whom = subject.hasPrefix("email:") ? "for \(email)" : "from your address"
                throw Problem.tooManyAttempts("too many failed sign-ins \(whom); try again in \(seconds) s", retryAfter: seconds)
            }
        }
        let credentials = try await deps.users.credentials(email: email)
        guard try await deps.passwords.verify(password, hash: credentials?.passwordHash, admission: admission), let user = credentials?.user else {
            throw Problem.unauthorized("the email or password is wrong")
        }
        try await deps.users.settleLoginAttempt(subject: subjects[1].0, forget: true)
        try await deps.users.settleLoginAttempt(subject: subjects[0].0, forget: false)
        return try await Self.start(user: user, request: request, context: context, deps: deps)
    }

    /// A new browser session for `user`: 201 with the session and its cookie.
    static func start(user: User, request: Request, context: LoupeRequestContext, deps: APIDependencies) async throws -> Response {
        let now = deps.clock.now()
        let token = Self.randomToken(), csrf = Self.randomToken()
        let expires = now.addingTimeInterval(Self.lifetime)
        try await deps.users.createSession(user: user, token: token, csrfToken: csrf, now: now, expiresAt: expires)
        var response = Response.json(Self.sessionJSON(user: user, csrf: csrf, expires: expires), status: .created)
        response.setCookie(Cookie(name: Authenticator.sessionCookie, value: token, maxAge: Int(Self.lifetime), path: "/",
                                  secure: deps.security.isHTTPS(request, peer: context.peer), httpOnly: true, sameSite: .strict))
        return response
    }

    @Sendable func current(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let token = request.cookies[Authenticator.sessionCookie]?.value,
              let session = try await deps.users.session(token: token, now: deps.clock.now()) else {
            throw Problem.unauthorized("no browser session; sign in with POST /v1/session")
        }
        return .json(Self.sessionJSON(user: session.user, csrf: session.csrfToken, expires: session.expiresAt))
    }

    @Sendable func signOut(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        if let token = request.cookies[Authenticator.sessionCookie]?.value {
            // Signing out is a write: it too needs the CSRF token, or any site could sign people out.
            _ = try await authenticator.authenticate(request)
            try await deps.users.deleteSession(token: token)
        }
        var response = Response(status: .noContent)
        response.setCookie(Cookie(name: Authenticator.sessionCookie, value: "", maxAge: 0, path: "/",
                                  secure: deps.security.isHTTPS(request, peer: context.peer), httpOnly: true, sameSite: .strict))
        return response
    }

    static func sessionJSON(user: User, csrf: String, expires: Date) -> JSONValue {
        ["user": ["email": .string(user.email), "role": .string(user.role.rawValue)], "csrf_token": .string(csrf),
         "expires_at": .string(Timestamp.string(expires))]
    }

    static func randomToken() -> String {
        var rng = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &rng) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
