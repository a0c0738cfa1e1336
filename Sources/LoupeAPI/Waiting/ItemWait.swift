import Foundation
import Hummingbird
import LoupeDomain
import ServiceLifecycle

/// `GET /v1/items/{id}?wait=S`: answers the moment the item is decided (on any server), else when S seconds
/// have passed, with `Loupe-Wait: decided|timeout`. While waiting the request holds no database connection.
struct ItemWait {
    static let header = HTTPFields.Element.Name("Loupe-Wait")!
    let waiters: DecisionWaiters
    let read: @Sendable () async throws -> ItemRecord

    /// The `wait` query parameter: nil when absent.
    static func seconds(_ query: Parameters, max: Int) throws(Problem) -> Int? {
        guard let text = query["wait"] else { return nil }
        guard let seconds = Int(text), (0...max).contains(seconds) else {
            throw Problem.invalid(field: "wait", "must be a whole number of seconds from 0 to \(max)")
        }
        return seconds
    }

    /// Seconds a request asks to wait (a GET of one item with `wait`), for the middleware that bounds time
    /// and requests in flight: a wait is neither slow nor load, and waiters are bounded on their own.
    static func requested(_ request: Request) -> Int? {
        guard request.method == .get, request.uri.path.hasPrefix("/v1/items/"),
              let text = request.uri.queryParameters["wait"], let seconds = Int(text), seconds > 0 else { return nil }
        return min(seconds, 3600)
    }

    /// The answer: the item, and `Loupe-Wait: decided|timeout`.
    func respond(seconds: Int, reveal: Bool) async throws -> Response {
        let (item, decided) = try await run(seconds: seconds)
        var response = Response.json(item.json(revealingReviewers: reveal))
        response.headers[Self.header] = decided ? "decided" : "timeout"
        return response
    }

    /// The item when decided or when `seconds` ran out, and which of the two happened.
    func run(seconds: Int) async throws -> (item: ItemRecord, decided: Bool) {
        // The first read answers 404/403 and decided items without taking a place among the waiters.
        var item = try await readAside()
        guard !item.status.isDecided, seconds > 0 else { return (item, item.status.isDecided) }
        guard let waiter = waiters.register(item.id) else { throw Self.full(waiters.capacity) }
        defer { waiters.remove(waiter) }
        // The read above may have missed a decision committed just before registering: read once more.
        item = try await readAside()
        let end = ContinuousClock.now + .seconds(seconds)
        try await withGracefulShutdownHandler {
            while !item.status.isDecided && ContinuousClock.now < end {
                switch await waiter.next(until: end) {
                case .closed:
                    var problem = Problem.unavailable("this server is shutting down; repeat the wait (any Loupe server answers it)")
                    problem.retryAfter = 1
                    throw problem
                case .woken, .timedOut:
                    item = try await readAside()
                }
            }
        } onGracefulShutdown: {
            waiter.fire(.closed)
        }
        return (item, item.status.isDecided)
    }

    /// Reads the item in a task of its own. A task keeps the memory its deepest call needed until it ends, and a
    /// request runs in its connection's task: reading through the database driver there would leave every waiter
    /// holding the driver's frames for as long as it waits.
    private func readAside() async throws -> ItemRecord {
        let read = self.read
        let reading = Task { try await read() }
        return try await withTaskCancellationHandler { try await reading.value } onCancel: { reading.cancel() }
    }

    static func full(_ capacity: Int) -> Problem {
        var problem = Problem.unavailable("this server already holds \(capacity) waiting requests; retry shortly or wait on another server")
        problem.retryAfter = 1
        return problem
    }
}
