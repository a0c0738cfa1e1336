import Foundation
import Synchronization

/// Requests waiting for items to be decided, in memory: a waiter holds no database connection. The
/// server's one LISTEN connection calls `decided(_:)` with the ids other servers (or this one) decided.
public final class DecisionWaiters: Sendable {
    /// Waiters beyond this are refused (503), so waiting cannot grow without bound.
    public let capacity: Int
    private let state = Mutex(Registry())

    struct Registry {
        var waiting: [UUID: [ObjectIdentifier: Waiter]] = [:]
        var count = 0
    }

    public init(capacity: Int) { self.capacity = max(1, capacity) }

    /// Waiters registered now.
    public var count: Int { state.withLock { $0.count } }

    /// A waiter for `id`, registered before the caller reads the item, so a decision committed after that
    /// read always wakes it; nil at capacity. The caller must `remove` it.
    public func register(_ id: UUID) -> Waiter? {
        let waiter = Waiter(id: id)
        let added = state.withLock { r -> Bool in
            guard r.count < capacity else { return false }
            r.waiting[id, default: [:]][ObjectIdentifier(waiter)] = waiter
            r.count += 1
            return true
        }
        return added ? waiter : nil
    }

    public func remove(_ waiter: Waiter) {
        state.withLock { r in
            guard r.waiting[waiter.id]?.removeValue(forKey: ObjectIdentifier(waiter)) != nil else { return }
            r.count -= 1
            if r.waiting[waiter.id]?.isEmpty == true { r.waiting[waiter.id] = nil }
        }
    }

    /// Wakes every waiter on these items.
    public func decided(_ ids: [UUID]) {
        let woken = state.withLock { r in ids.flatMap { r.waiting[$0].map { Array($0.values) } ?? [] } }
        for waiter in woken { waiter.fire(.woken) }
    }

    /// Wakes every waiter to read its item again: notifications may have been lost (the LISTEN connection dropped).
    public func recheckAll() {
        let all = state.withLock { r in r.waiting.values.flatMap(\.values) }
        for waiter in all { waiter.fire(.woken) }
    }

    /// Ends the waits whose time is up. One timer calls this for every waiter of the server, so a waiter costs
    /// no task of its own beyond its request's (`WaitTimer` in the services).
    public func expire(now: ContinuousClock.Instant = .now) {
        let due = state.withLock { r in r.waiting.values.flatMap { $0.values.filter { $0.isDue(now) } } }
        for waiter in due { waiter.fire(.timedOut) }
    }
}

/// One waiting request: woken by a decision, its time running out, or the server shutting down.
public final class Waiter: Sendable {
    public enum Wake: Sendable, Equatable { case woken, timedOut, closed }

    private enum State {
        case idle
        case fired(Wake)
        case waiting(CheckedContinuation<Wake, Never>)
    }

    let id: UUID
    private let state = Mutex(State.idle)
    private let until = Mutex<ContinuousClock.Instant?>(nil)

    init(id: UUID) { self.id = id }

    func isDue(_ now: ContinuousClock.Instant) -> Bool { until.withLock { $0.map { $0 <= now } ?? false } }

    /// Ends the current (or next) `next` with `wake`; a stronger wake (closed) is never replaced by a weaker one.
    public func fire(_ wake: Wake) {
        let continuation = state.withLock { s -> CheckedContinuation<Wake, Never>? in
            switch s {
            case .waiting(let c):
                s = .idle
                return c
            case .fired(.closed):
                return nil
            case .idle, .fired:
                s = .fired(wake)
                return nil
            }
        }
        continuation?.resume(returning: wake)
    }

    /// Waits until `deadline` at most for the next wake (the registry's timer ends it then); a wake fired while
    /// nobody waited is returned at once.
    public func next(until deadline: ContinuousClock.Instant) async -> Wake {
        until.withLock { $0 = deadline }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Wake, Never>) in
                let ready = state.withLock { s -> Wake? in
                    if case .fired(let wake) = s {
                        s = wake == .closed ? s : .idle
                        return wake
                    }
                    s = .waiting(c)
                    return nil
                }
                if let ready { c.resume(returning: ready) }
            }
        } onCancel: {
            self.fire(.closed)
        }
    }
}
