import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// API keys in the `api_keys` table; only SHA-256 hashes are stored.
public struct PostgresAPIKeyRepository: APIKeyRepository {
    let client: GatedPool
    let logger: Logger

    public func create(name: String, role: Role, tasks: [String]?, rateLimit: Double?, now: Date) async throws
        -> (id: UUID, key: String, callbackSecret: String) {
        let key = APIKeySecret.generate()
        let secret = APIKeySecret.callbackSecret()
        let id = UUIDv7.make(at: now)
        try await client.query("""
            INSERT INTO api_keys (id, name, role, key_hash, created_at, tasks, callback_secret, rate_limit)
            VALUES (\(id), \(name), \(role.rawValue), \(APIKeySecret.hash(key)), \(now), \(tasks)::text[], \(secret), \(rateLimit))
            """, logger: logger)
        return (id, key, secret)
    }

    public func rotateCallbackSecret(id: UUID) async throws -> String? {
        let secret = APIKeySecret.callbackSecret()
        let rows = try await client.query(
            "UPDATE api_keys SET callback_secret = \(secret) WHERE id = \(id) AND revoked_at IS NULL RETURNING id", logger: logger)
        for try await _ in rows { return secret }
        return nil
    }

    public func principal(forKey key: String) async throws -> Principal? {
        let rows = try await client.query(
            "SELECT id, name, role, tasks, rate_limit FROM api_keys WHERE key_hash = \(APIKeySecret.hash(key)) AND revoked_at IS NULL",
            logger: logger)
        for try await (id, name, role, tasks, rate) in rows.decode((UUID, String, String, [String]?, Double?).self) {
            guard let role = Role(rawValue: role) else { return nil }
            var principal = Principal(id: id.uuidString.lowercased(), name: name, role: role, kind: .apiKey, tasks: tasks.map(Set.init))
            principal.rateLimit = rate
            return principal
        }
        return nil
    }

    public func list() async throws -> [APIKeyInfo] {
        var keys: [APIKeyInfo] = []
        let rows = try await client.query("SELECT id, name, role, created_at, revoked_at, tasks FROM api_keys ORDER BY created_at", logger: logger)
        for try await (id, name, role, created, revoked, tasks) in rows.decode((UUID, String, String, Date, Date?, [String]?).self) {
            if let role = Role(rawValue: role) {
                keys.append(APIKeyInfo(id: id, name: name, role: role, createdAt: created, revokedAt: revoked, tasks: tasks))
            }
        }
        return keys
    }

    public func revoke(id: UUID, now: Date) async throws -> Bool {
        let rows = try await client.query(
            "UPDATE api_keys SET revoked_at = \(now) WHERE id = \(id) AND revoked_at IS NULL RETURNING id", logger: logger)
        for try await _ in rows { return true }
        return false
    }
}
