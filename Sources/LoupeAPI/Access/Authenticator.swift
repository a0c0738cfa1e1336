import Foundation
import Hummingbird
import LoupeDomain
import Synchronization

/// Resolves the caller: `Authorization: Bearer KEY` for programs, the session cookie for people.
/// Keys are cached briefly so intake does not pay a database round trip per request; a revoked key
/// stops working within `ttl`.
public final class Authenticator: Sendable {
    static let sessionCookie = "loupe_session"
    static let csrfHeader = HTTPFields.Element.Name("X-CSRF-Token")!

    let keys: any APIKeyRepository
    let users: any UserRepository
    let clock: any LoupeClock
    let ttl: TimeInterval
    private let cache = Mutex<[String: (principal: Principal?, expires: Date)]>([:])

    public init(keys: any APIKeyRepository, users: any UserRepository, clock: any LoupeClock, ttl: TimeInterval = 5) {
        self.keys = keys
        self.users = users
        self.clock = clock
        self.ttl = ttl
    }

    /// 401 without a known key or session, 403 when the role is not among `roles` (admin passes everywhere)
    /// or when a cookie-authenticated write lacks the session's CSRF token.
    func require(_ request: Request, roles: Set<Role>) async throws -> Principal {
        let principal = try await authenticate(request)
        guard principal.role.satisfies(roles) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw Problem.forbidden("this route needs the \(allowed) role (or admin); '\(principal.name)' has the \(principal.role.rawValue) role")
        }
        return principal
    }

    func authenticate(_ request: Request) async throws -> Principal {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
                throw Problem.unauthorized("the Authorization header must be 'Bearer KEY'")
            }
            guard let principal = try await principal(forKey: String(parts[1])) else {
                throw Problem.unauthorized("this API key is unknown or revoked")
            }
            return principal
        }
        if let token = request.cookies[Self.sessionCookie]?.value {
            guard let session = try await users.session(token: token, now: clock.now()) else {
                throw Problem.unauthorized("your session has expired; sign in again")
            }
            // The browser attaches cookies to cross-site requests too; only our page can read the token.
            if ![.get, .head, .options].contains(request.method), !ConstantTime.equal(request.headers[Self.csrfHeader] ?? "", session.csrfToken) {
                throw Problem.forbidden("this request needs the X-CSRF-Token header of your session")
            }
            return session.user.principal
        }
        throw Problem.unauthorized("send an API key as 'Authorization: Bearer KEY' (create one with `loupe keys create`) or sign in")
    }

    private func principal(forKey key: String) async throws -> Principal? {
        let hash = APIKeySecret.hash(key)
        let now = Date()
        if let hit = cache.withLock({ $0[hash] }), hit.expires > now { return hit.principal }
        let principal = try await keys.principal(forKey: key)
        cache.withLock { cache in
            if cache.count > 10_000 { cache.removeAll() }
            cache[hash] = (principal, now.addingTimeInterval(ttl))
        }
        return principal
    }

    /// Forgets cached keys, e.g. after one is revoked on this instance.
    public func invalidate() { cache.withLock { $0.removeAll() } }
}
