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
}
