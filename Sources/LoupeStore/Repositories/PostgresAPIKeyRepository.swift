import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// API keys in the `api_keys` table; only SHA-256 hashes are stored.
public struct PostgresAPIKeyRepository: APIKeyRepository {
    let client: PostgresClient
    let logger: Logger

    public func create(name: String, role: Role, now: Date) async throws -> (id: UUID, key: String) {
        let key = APIKeySecret.generate()
        let id = UUIDv7.make(at: now)
        try await client.query("""
            INSERT INTO api_keys (id, name, role, key_hash, created_at)
            VALUES (\(id), \(name), \(role.rawValue), \(APIKeySecret.hash(key)), \(now))
            """, logger: logger)
        return (id, key)
    }

    public func principal(forKey key: String) async throws -> Principal? {
        let rows = try await client.query(
            "SELECT id, name, role FROM api_keys WHERE key_hash = \(APIKeySecret.hash(key)) AND revoked_at IS NULL",
            logger: logger)
        for try await (id, name, role) in rows.decode((UUID, String, String).self) {
            guard let role = Role(rawValue: role) else { return nil }
            return Principal(id: id.uuidString.lowercased(), name: name, role: role, kind: .apiKey)
        }
        return nil
    }

    public func list() async throws -> [APIKeyInfo] {
        var keys: [APIKeyInfo] = []
        let rows = try await client.query("SELECT id, name, role, created_at, revoked_at FROM api_keys ORDER BY created_at", logger: logger)
        for try await (id, name, role, created, revoked) in rows.decode((UUID, String, String, Date, Date?).self) {
            if let role = Role(rawValue: role) { keys.append(APIKeyInfo(id: id, name: name, role: role, createdAt: created, revokedAt: revoked)) }
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
