import Hummingbird

/// Serves the web UI's files, and only outside the API: `/v1/…` requests go straight on. Hummingbird's
/// `FileMiddleware` would otherwise look each API path up as a file first, and its frame would stay allocated
/// under every request, blocking waits included.
struct StaticFiles<Files: RouterMiddleware>: RouterMiddleware where Files.Context == LoupeRequestContext {
    typealias Context = LoupeRequestContext
    let files: Files

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if request.uri.path.hasPrefix("/v1/") { return try await next(request, context) }
        return try await serve(request, context: context, next: next)
    }

    @inline(never)
    private func serve(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        try await files.handle(request, context: context, next: next)
    }
}
