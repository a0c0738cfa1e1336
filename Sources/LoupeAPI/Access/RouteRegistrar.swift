import Hummingbird
import LoupeDomain

/// Registers routes with the roles that may call them, so no `/v1` route can forget its check.
struct RouteRegistrar {
    let router: Router<LoupeRequestContext>
    let access: RouteGuard
    /// Records every route so wrong methods on known paths answer 405.
    let table: RouteTable

    typealias Handler = @Sendable (Request, LoupeRequestContext) async throws -> Response

    /// A route only callers with one of `roles` (or admin) may use.
    func add(_ method: HTTPRequest.Method, _ path: RouterPath, roles: Set<Role>, _ handler: @escaping Handler) {
        let access = self.access
        table.add(method, path.description)
        router.on(path, method: method) { request, context -> Response in
            var context = context
            context.principal = try await access.admit(request, roles: roles)
            return try await handler(request, context)
        }
    }

    /// A route anyone may call: health, readiness, metrics, the API description.
    func addPublic(_ method: HTTPRequest.Method, _ path: RouterPath, _ handler: @escaping Handler) {
        table.add(method, path.description)
        router.on(path, method: method) { request, context in try await handler(request, context) }
    }
}

/// The check in front of every `/v1` route: the caller's key or session, its role, and its request rate.
struct RouteGuard: Sendable {
    let authenticator: Authenticator
    /// Per-key request rates.
    let limiter: RateLimiter

    func admit(_ request: Request, roles: Set<Role>) async throws -> Principal {
        let principal = try await authenticator.require(request, roles: roles)
        try limiter.admit(principal)
        return principal
    }
}
