import Foundation

/// A person who signs in to the web UI.
public struct User: Sendable, Equatable {
    public let id: UUID
    public let email: String
    public let role: Role

    public init(id: UUID, email: String, role: Role) {
        self.id = id
        self.email = email
        self.role = role
    }

    public var principal: Principal { Principal(id: id.uuidString.lowercased(), name: email, role: role, kind: .user) }
}

/// A signed-in browser session: the caller and the CSRF token its writes must echo.
public struct SessionInfo: Sendable {
    public let user: User
    public let csrfToken: String
    public let expiresAt: Date
    public init(user: User, csrfToken: String, expiresAt: Date) {
        self.user = user
        self.csrfToken = csrfToken
        self.expiresAt = expiresAt
    }
}

/// People, their sessions and the failed-login record that slows guessing down.
public protocol UserRepository: Sendable {
    func create(email: String, role: Role, passwordHash: String, now: Date) async throws -> User
    /// Whether any enabled admin account exists (first-run setup is open until one does).
    func adminExists() async throws -> Bool
    /// The user and their password hash, for sign-in; nil when unknown or disabled.
    func credentials(email: String) async throws -> (user: User, passwordHash: String)?
    /// Stores a session under the hash of `token`.
    func createSession(user: User, token: String, csrfToken: String, now: Date, expiresAt: Date) async throws
    func session(token: String, now: Date) async throws -> SessionInfo?
    func deleteSession(token: String) async throws
    /// Counts one sign-in attempt against `subject` unless it must wait first; atomic across requests
    /// and servers. nil when the attempt may go ahead, else the seconds still to wait.
    func reserveLoginAttempt(subject: String, freeAttempts: Int, now: Date) async throws -> TimeInterval?
    /// After a successful sign-in: forgets the subject's failures (`forget`) or takes back the one attempt.
    func settleLoginAttempt(subject: String, forget: Bool) async throws
}
