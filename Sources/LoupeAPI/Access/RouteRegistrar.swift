import Hummingbird
import LoupeDomain

/// Registers routes with the roles that may call them, so no `/v1` route can forget its check.
struct RouteRegistrar {
    let router: Router<LoupeRequestContext>
    let authenticator: Authenticator
    /// Records every route so wrong methods on known paths answer 405.
    let table: RouteTable
    /// Per-key request rates.
    let limiter: RateLimiter

    typealias Handler = @Sendable (Request, LoupeRequestContext) async throws -> Response

    /// A route only callers with one of `roles` (or admin) may use.
    func add(_ method: HTTPRequest.Method, _ path: RouterPath, roles: Set<Role>, _ handler: @escaping Handler) {
        let authenticator = self.authenticator, limiter = self.limiter
        table.add(method, path.description)
        router.on(path, method: method) { request, context -> Response in
            var context = context
            let principal = try await authenticator.require(request, roles: roles)
            try limiter.admit(principal)
            context.principal = principal
            return try await handler(request, context)
        }
    }

    /// A route anyone may call: health, readiness, metrics, the API description.
    func addPublic(_ method: HTTPRequest.Method, _ path: RouterPath, _ handler: @escaping Handler) {
        table.add(method, path.description)
        router.on(path, method: method) { request, context in try await handler(request, context) }
    }
}
