import Foundation
import Hummingbird
import LoupeDomain

/// Answers blocking waits (`GET /v1/items/{id}?wait=S`, S > 0) ahead of the other middleware and the router,
/// with the same checks: request hygiene, the caller's key or session, role and rate, problem answers, security
/// headers. Why: a waiting request keeps every async frame under it allocated for up to five minutes, and a
/// connection's task keeps the memory its deepest request needed. Through seven middlewares and the router a
/// wait held ≈ 56 KiB; thousands of waiters per server is the point of waiting without a database connection.
struct WaitAhead: RouterMiddleware {
    typealias Context = LoupeRequestContext
    let items: ItemsController
    let access: RouteGuard
    let problems: ProblemMiddleware

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let id = Self.itemID(request) else { return try await next(request, context) }
        return await answer(request, id: id, context: context)
    }

    @inline(never)
    private func answer(_ request: Request, id: UUID, context: Context) async -> Response {
        var response: Response
        do {
            if let refusal = RequestHygieneMiddleware.refusal(request) { throw refusal }
            var context = context
            context.principal = try await access.admit(request, roles: ItemsController.readers)
            // Like every counted request, its reads wait only LOUPE_DB_WAIT_MS for a database connection.
            response = try await ConnectionWaitScope.$bounded.withValue(true) { [context] in
                try await items.item(id, request: request, context: context)
            }
        } catch {
            response = problems.answer(error, request: request, context: context)
        }
        SecurityHeadersMiddleware.apply(to: &response, path: request.uri.path)
        return response
    }

    /// The item of a wait request; nil for every other request (a malformed id goes the ordinary way, to its 400).
    static func itemID(_ request: Request) -> UUID? {
        guard ItemWait.requested(request) != nil else { return nil }
        let rest = request.uri.path.dropFirst(prefix.count)
        guard rest.utf8.count == 36 else { return nil }
        return UUID(uuidString: String(rest))
    }

    static let prefix = "/v1/items/"
}
