import LoupeDomain
import Synchronization

/// Bounds how many batch requests (`POST /v1/items/batch`) are read, parsed and stored at once. A batch of 1,000
/// realistic items holds about 17 MB of the server's memory while in flight (its body, the parsed documents, the
/// statement's columns and their encoding): four at once took the server's peak RSS from 66 to 139 MiB, and only the
/// 512-request bound limited how many ran together, each up to LOUPE_MAX_BATCH_BYTES. Beyond `slots`, a batch waits
/// its turn in arrival order before its body is read (so it holds no memory here: the body stays in the socket), until
/// the request deadline; beyond `queue` waiting, it gets 503 with Retry-After at once.
final class BatchGate: Sendable {
    let slots: Int
    let queue: Int

    private struct Waiter {
        let id: UInt64
        let continuation: CheckedContinuation<Void, any Error>
    }

    private struct State {
        var running = 0
        var waiting: [Waiter] = []
        var lastID: UInt64 = 0
    }

    private let state = Mutex(State())

    init(slots: Int, queue: Int) {
        self.slots = max(1, slots)
        self.queue = max(0, queue)
    }

    /// Batches being processed now, and waiting for a slot (for /metrics).
    var counts: (running: Int, waiting: Int) { state.withLock { ($0.running, $0.waiting.count) } }

    /// Runs `body` holding a slot: at once when one is free, after the batches ahead otherwise.
    func withSlot<T>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }

    private func acquire() async throws {
        let id = state.withLock { s -> UInt64? in
            if s.running < slots { s.running += 1; return nil }
            s.lastID += 1
            return s.lastID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let now: Result<Void, any Error>? = state.withLock { s in
                    // The request deadline (or the client) may have given up already.
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if s.running < slots { s.running += 1; return .success(()) }
                    guard s.waiting.count < queue else { return .failure(full(s.running, s.waiting.count)) }
                    s.waiting.append(Waiter(id: id, continuation: continuation))
                    return nil
                }
                if let now { continuation.resume(with: now) }
            }
        } onCancel: {
            let gone = state.withLock { s -> Waiter? in
                guard let at = s.waiting.firstIndex(where: { $0.id == id }) else { return nil }
                return s.waiting.remove(at: at)
            }
            gone?.continuation.resume(throwing: CancellationError())
        }
    }

    /// Hands the slot to the longest-waiting batch, or frees it.
    private func release() {
        let next = state.withLock { s -> Waiter? in
            if s.waiting.isEmpty { s.running -= 1; return nil }
            return s.waiting.removeFirst()
        }
        next?.continuation.resume()
    }

    private func full(_ running: Int, _ waiting: Int) -> Problem {
        var problem = Problem.unavailable("\(running) batches are being stored and \(waiting) wait on this server; retry in a second")
        problem.retryAfter = 1
        return problem
    }
}
