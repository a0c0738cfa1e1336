import HummingbirdBcrypt
import NIOPosix

/// bcrypt password hashing, run on NIO's thread pool so a sign-in never blocks a request thread.
public struct PasswordHasher: Sendable {
    public let cost: UInt8
    /// Compared against when the email is unknown, so both cases take the same time.
    private let decoy: String

    public init(cost: UInt8 = 12) {
        self.cost = cost
        self.decoy = Bcrypt.hash("loupe-decoy-password", cost: cost)
    }

    public func hash(_ password: String) async throws -> String {
        try await NIOThreadPool.singleton.runIfActive { [cost] in Bcrypt.hash(password, cost: cost) }
    }

    public func verify(_ password: String, hash: String?) async throws -> Bool {
        let target = hash ?? decoy
        let ok = try await NIOThreadPool.singleton.runIfActive { Bcrypt.verify(password, hash: target) }
        return ok && hash != nil
    }
}
