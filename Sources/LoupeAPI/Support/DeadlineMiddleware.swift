import Hummingbird
import LoupeDomain

/// Bounds how long a request may wait before its response starts. PostgreSQL being down makes the
/// pool queue requests indefinitely; this turns that into a prompt 503 the client can retry.
/// Streamed bodies (exports) are not limited: the handler returns their response head at once. Blocking waits
/// never get here (`WaitAhead`): they end at their own time.
struct DeadlineMiddleware: RouterMiddleware {
    typealias Context = LoupeRequestContext
    let seconds: Double

    /// Carries the non-escaping `next` into the task group, which always finishes before `handle` returns.
    private struct Handler: @unchecked Sendable {
        let run: (Request, Context) async throws -> Response
    }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        return try await withoutActuallyEscaping(next) { next in
            let handler = Handler(run: next)
            return try await withThrowingTaskGroup(of: Response?.self) { group in
                group.addTask { try await handler.run(request, context) }
                group.addTask {
                    try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
                    return nil
                }
                defer { group.cancelAll() }
                // Cancelling the loser also ends a lease wait in the connection pool.
                guard let response = try await group.next() ?? nil else {
                    throw Problem.unavailable("no answer within \(Int(seconds)) s: the database is unavailable or overloaded; retry shortly")
                }
                return response
            }
        }
    }
}
