import HummingbirdBcrypt
import LoupeDomain
import NIOCore
import NIOPosix
import Synchronization

/// bcrypt password hashing on its own small thread pool with a short queue: a flood of sign-ins gets
/// 429 with Retry-After instead of queueing without bound behind the threads everything else shares.
public final class PasswordHasher: Sendable {
    public let cost: UInt8
    /// Compared against when the email is unknown, so both cases take the same time.
    private let decoy: String
    /// Checks allowed at once (running plus waiting); beyond that, callers are refused.
    let capacity: Int
    private let admitted = Mutex(0)

    /// One pool for every hasher in the process: bcrypt is CPU work, more threads than cores only queue.
    static let pool: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: max(1, min(4, System.coreCount)))
        pool.start()
        return pool
    }()

    public init(cost: UInt8 = 12, capacity: Int = 10) {
        self.cost = cost
        self.capacity = capacity
        self.decoy = Bcrypt.hash("loupe-decoy-password", cost: cost)
    }

    public func hash(_ password: String) async throws -> String {
        try await admitted { [cost] in Bcrypt.hash(password, cost: cost) }
    }

    /// Checks a password; the caller holds an `Admission` (taken before any other sign-in work).
    func verify(_ password: String, hash: String?, admission: Admission) async throws -> Bool {
        let target = hash ?? decoy
        let ok = try await Self.pool.runIfActive { Bcrypt.verify(password, hash: target) }
        return ok && hash != nil
    }

    /// Takes a place for one check now, or throws 429 when all places are taken; `release` gives it back.
    func admit() throws(Problem) -> Admission {
        let ok = admitted.withLock { count -> Bool in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard ok else { throw Problem.tooManyAttempts("too many sign-ins are being checked right now; retry in a second", retryAfter: 1) }
        return Admission(release: { [self] in admitted.withLock { $0 -= 1 } })
    }

    private func admitted<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        let admission = try admit()
        defer { admission.release() }
        return try await Self.pool.runIfActive(work)
    }
}

/// A place in the password checker's queue, held for one sign-in.
struct Admission: Sendable {
    let release: @Sendable () -> Void
}
