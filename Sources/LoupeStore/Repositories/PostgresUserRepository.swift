import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// People, sessions (stored as token hashes) and failed-login counts.
public struct PostgresUserRepository: UserRepository {
    let client: PostgresClient
    let logger: Logger

    public func create(email: String, role: Role, passwordHash: String, now: Date) async throws -> User {
        let user = User(id: UUIDv7.make(at: now), email: email.lowercased(), role: role)
        do {
            try await client.query("""
                INSERT INTO users (id, email, role, password_hash, created_at)
                VALUES (\(user.id), \(user.email), \(role.rawValue), \(passwordHash), \(now))
                """, logger: logger)
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw Problem.conflict("a user with the email \(user.email) already exists")
        }
        return user
    }

    public func credentials(email: String) async throws -> (user: User, passwordHash: String)? {
        let rows = try await client.query(
            "SELECT id, email, role, password_hash FROM users WHERE email = \(email.lowercased()) AND disabled_at IS NULL",
            logger: logger)
        for try await (id, email, role, hash) in rows.decode((UUID, String, String, String).self) {
            guard let role = Role(rawValue: role) else { return nil }
            return (User(id: id, email: email, role: role), hash)
        }
        return nil
    }

    public func createSession(user: User, token: String, csrfToken: String, now: Date, expiresAt: Date) async throws {
        try await client.query("""
            INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at)
            VALUES (\(APIKeySecret.hash(token)), \(user.id), \(csrfToken), \(now), \(expiresAt))
            """, logger: logger)
    }

    public func session(token: String, now: Date) async throws -> SessionInfo? {
        let rows = try await client.query("""
            SELECT u.id, u.email, u.role, s.csrf_token, s.expires_at
            FROM sessions s JOIN users u ON u.id = s.user_id
            WHERE s.token_hash = \(APIKeySecret.hash(token)) AND s.expires_at > \(now) AND u.disabled_at IS NULL
            """, logger: logger)
        for try await (id, email, role, csrf, expires) in rows.decode((UUID, String, String, String, Date).self) {
            guard let role = Role(rawValue: role) else { return nil }
            return SessionInfo(user: User(id: id, email: email, role: role), csrfToken: csrf, expiresAt: expires)
        }
        return nil
    }

    public func deleteSession(token: String) async throws {
        try await client.query("DELETE FROM sessions WHERE token_hash = \(APIKeySecret.hash(token))", logger: logger)
    }

    public func loginFailures(email: String) async throws -> (count: Int, last: Date)? {
        let rows = try await client.query(
            "SELECT failures, last_failed FROM login_failures WHERE email = \(email.lowercased())", logger: logger)
        for try await (count, last) in rows.decode((Int, Date).self) { return (count, last) }
        return nil
    }

    public func recordLoginFailure(email: String, now: Date) async throws {
        try await client.query("""
            INSERT INTO login_failures (email, failures, last_failed) VALUES (\(email.lowercased()), 1, \(now))
            ON CONFLICT (email) DO UPDATE SET failures = login_failures.failures + 1, last_failed = EXCLUDED.last_failed
            """, logger: logger)
    }

    public func clearLoginFailures(email: String) async throws {
        try await client.query("DELETE FROM login_failures WHERE email = \(email.lowercased())", logger: logger)
    }
}
