import Hummingbird
import LoupeDomain
import Logging
import NIOCore

/// Turns every error into an RFC 7807 problem response, so no client ever sees a bare error.
struct ProblemMiddleware: RouterMiddleware {
    typealias Context = LoupeRequestContext
    /// Recognises storage failures (e.g. database down → 503) without this module knowing the driver.
    let classify: @Sendable (any Error) -> Problem?
    /// Known paths and their methods, for 405 answers.
    let routes: RouteTable

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The catch work lives in a synchronous function: everything an async function might hold is in its frame,
        // and this frame stays allocated for as long as a request runs (thousands of blocking waits hold one each).
        do {
            return try await next(request, context)
        } catch {
            return answer(error, request: request, context: context)
        }
    }

    /// The problem response for an error a route threw.
    func answer(_ error: any Error, request: Request, context: Context) -> Response {
        switch error {
        case let problem as Problem:
            return .problem(problem)
        case let error as HTTPError:
            if error.status == .notFound {
                let allowed = routes.methods(for: request.uri.path)
                if !allowed.isEmpty, !allowed.contains(request.method.rawValue) {
                    var problem = Problem(status: 405, slug: "method-not-allowed", title: "Method not allowed",
                                          detail: "\(request.method) is not supported on \(request.uri.path); use \(allowed.joined(separator: ", "))")
                    problem.allow = allowed.joined(separator: ", ")
                    return .problem(problem)
                }
            }
            return .problem(Self.problem(for: error, request: request))
        case let error as NIOTooManyBytesError:
            // Every route that reads a body reads it with a limit (`collectBody(upTo:)`).
            let limit = error.maxBytes.map { "the limit of \($0) bytes" } ?? "the limit"
            return .problem(Problem(status: 413, slug: "too-large", title: "Request body too large",
                                    detail: "the body is larger than \(limit); split it into smaller requests"))
        default:
            if let problem = classify(error) {
                context.logger.warning("request failed: \(problem.detail)")
                return .problem(problem)
            }
            context.logger.error("unexpected error: \(String(reflecting: error))")
            return .problem(.internal("an unexpected error occurred; it has been logged"))
        }
    }

    static func problem(for error: HTTPError, request: Request) -> Problem {
        switch error.status {
        case .notFound:
            return .notFound("no route for \(request.method) \(request.uri.path); see /openapi.json for the API")
        case .methodNotAllowed:
            return Problem(status: 405, slug: "method-not-allowed", title: "Method not allowed",
                           detail: "\(request.method) is not supported on \(request.uri.path)")
        case .contentTooLarge:
            return Problem(status: 413, slug: "too-large", title: "Request body too large", detail: error.body ?? "the body is too large")
        default:
            return Problem(status: Int(error.status.code), slug: "http-\(error.status.code)",
                           title: error.status.reasonPhrase, detail: error.body ?? error.status.reasonPhrase)
        }
    }
}

/// Headers every response carries; the UI's CSP forbids inline scripts.
struct SecurityHeadersMiddleware: RouterMiddleware {
    typealias Context = LoupeRequestContext
    static let referrerPolicy = HTTPFields.Element.Name("Referrer-Policy")!

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        Self.apply(to: &response, path: request.uri.path)
        return response
    }

    /// Adds the headers every answer carries.
    static func apply(to response: inout Response, path: String) {
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.contentSecurityPolicy] =
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[Self.referrerPolicy] = "no-referrer"
        // API answers carry items, keys, secrets and sessions: no cache (browser or proxy) may keep them.
        if response.headers[.cacheControl] == nil, path.hasPrefix("/v1/") || path == "/metrics" || path == "/setup" {
            response.headers[.cacheControl] = "no-store"
        }
    }
}
