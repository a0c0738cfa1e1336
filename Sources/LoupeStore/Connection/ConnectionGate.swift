import LoupeDomain
import Synchronization

/// As many places as the pool has connections, and a bounded wait for one: beyond `wait`, a request is
/// refused (503, Retry-After) instead of queueing behind a database that cannot keep up (issue 11).
/// Only tasks marked by `ConnectionWaitScope.bounded` (client requests) are refused; background work waits.
/// Waiters are served first come, first served; a freed place goes straight to the oldest waiter.
final class ConnectionGate: Sendable {
    let wait: Duration
    private struct State {
        var free: Int
        var nextID: UInt64 = 0
        var waiters: [(id: UInt64, resume: CheckedContinuation<Bool, Never>)] = []
    }
    private let state: Mutex<State>

    init(places: Int, wait: Duration) {
        self.wait = wait
        state = Mutex(State(free: max(1, places)))
    }

    /// Runs `body` holding a place; throws 503 when none frees up within `wait`.
    func admit<T>(_ body: () async throws -> T) async throws -> T {
        try await enter()
        defer { leave() }
        return try await body()
    }

    private func enter() async throws {
        let id: UInt64? = state.withLock { s in
            if s.free > 0 {
                s.free -= 1
                return nil
            }
            s.nextID += 1
            return s.nextID
        }
        guard let id else { return }
        var timer: Task<Void, any Error>?
        // A cancelled waiter (a service stopping, a client gone) leaves the line at once: waiting on would hold
        // shutdown for a place, and the pool it waits for may already be stopped.
        let granted = await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let waiting = state.withLock { s in
                    // A place freed since the first look is taken now rather than waited for.
                    if s.free > 0 {
                        s.free -= 1
                        return false
                    }
                    s.waiters.append((id, continuation))
                    return true
                }
                guard waiting else { return continuation.resume(returning: true) }
                // Cancelled before it was listed: the handler found nothing to remove, so leave now.
                if Task.isCancelled { return expire(id) }
                // Background work waits its turn; only requests are refused.
                guard ConnectionWaitScope.bounded else { return }
                // Started once the waiter is listed, so the expiry always finds it (or finds it already served).
                timer = Task { [wait] in
                    try await Task.sleep(for: wait)
                    self.expire(id)
                }
            }
        } onCancel: {
            expire(id)
        }
        timer?.cancel()
        guard granted else {
            if Task.isCancelled { throw CancellationError() }
            var problem = Problem.unavailable("every database connection stayed busy for \(wait.milliseconds) ms; retry in a second")
            problem.retryAfter = 1
            throw problem
        }
    }

    private func leave() {
        let next = state.withLock { s in
            if s.waiters.isEmpty {
                s.free += 1
                return nil as CheckedContinuation<Bool, Never>?
            }
            return s.waiters.removeFirst().resume
        }
        next?.resume(returning: true)  // the place passes to the oldest waiter without being freed
    }

    private func expire(_ id: UInt64) {
        let expired = state.withLock { s -> CheckedContinuation<Bool, Never>? in
            guard let index = s.waiters.firstIndex(where: { $0.id == id }) else { return nil }
            return s.waiters.remove(at: index).resume
        }
        expired?.resume(returning: false)
    }
}

extension Duration {
    var milliseconds: Int64 { components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000 }
}
