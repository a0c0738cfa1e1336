import Foundation
import Hummingbird
import LoupeDomain
import Synchronization

/// Resolves `Authorization: Bearer KEY` to a principal, with a short cache so intake does not pay a
/// database round trip per request. A revoked key stops working within `ttl`.
public final class Authenticator: Sendable {
    let keys: any APIKeyRepository
    let ttl: TimeInterval
    private let cache = Mutex<[String: (principal: Principal?, expires: Date)]>([:])

    public init(keys: any APIKeyRepository, ttl: TimeInterval = 5) {
        self.keys = keys
        self.ttl = ttl
    }

    /// 401 without a known key, 403 when the key's role is not among `roles` (admin passes everywhere).
    func require(_ request: Request, roles: Set<Role>) async throws -> Principal {
        guard let header = request.headers[.authorization] else {
            throw Problem.unauthorized("send an API key as 'Authorization: Bearer KEY' (create one with `loupe keys create`)")
        }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer", !parts[1].isEmpty else {
            throw Problem.unauthorized("the Authorization header must be 'Bearer KEY'")
        }
        guard let principal = try await principal(for: String(parts[1])) else {
            throw Problem.unauthorized("this API key is unknown or revoked")
        }
        guard principal.role.satisfies(roles) else {
            let allowed = roles.map(\.rawValue).sorted().joined(separator: " or ")
            throw Problem.forbidden("this route needs the \(allowed) role (or admin); the key '\(principal.name)' has the \(principal.role.rawValue) role")
        }
        return principal
    }

    private func principal(for key: String) async throws -> Principal? {
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
