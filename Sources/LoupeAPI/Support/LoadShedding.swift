import Hummingbird
import LoupeDomain
import Synchronization

/// Refuses work beyond a bound on requests in flight, at once (503, Retry-After), instead of letting
/// latency grow without bound. Intake sheds first: it may use `intakeShare` of the bound, so reviewers,
/// health checks and reads keep the rest even under an intake flood. Blocking waits never get here (`WaitAhead`):
/// their own capacity bounds them.
struct LoadShedding: RouterMiddleware {
    typealias Context = LoupeRequestContext
    let gate: RequestGate

    init(limit: Int, intakeShare: Double) { gate = RequestGate(limit: limit, intakeShare: intakeShare) }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let path = request.uri.path
        if path == "/health" { return try await next(request, context) }
        let isIntake = request.method == .post && (path == "/v1/items" || path == "/v1/items/batch")
        guard gate.enter(intake: isIntake) else {
            var problem = Problem.unavailable("the server is at capacity (\(gate.limit) requests in flight); retry in a second")
            problem.retryAfter = 1
            throw problem
        }
        defer { gate.leave() }
        // Its queries may wait only LOUPE_DB_WAIT_MS for a database connection (ConnectionGate).
        return try await ConnectionWaitScope.$bounded.withValue(true) { try await next(request, context) }
    }
}

/// The count of requests in flight and the bounds each kind may reach.
public final class RequestGate: Sendable {
    let limit: Int
    let intakeLimit: Int
    private let inFlight = Atomic<Int>(0)

    public init(limit: Int, intakeShare: Double) {
        self.limit = max(1, limit)
        self.intakeLimit = max(1, Int(Double(limit) * intakeShare))
    }

    /// Admits one request unless its kind's bound is reached.
    public func enter(intake: Bool) -> Bool {
        let now = inFlight.wrappingAdd(1, ordering: .relaxed).newValue
        if now > (intake ? intakeLimit : limit) {
            inFlight.wrappingSubtract(1, ordering: .relaxed)
            return false
        }
        return true
    }

    public func leave() { inFlight.wrappingSubtract(1, ordering: .relaxed) }
}
