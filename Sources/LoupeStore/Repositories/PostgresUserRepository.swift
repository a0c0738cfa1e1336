import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// People, sessions (stored as token hashes) and failed-login counts.
public struct PostgresUserRepository: UserRepository {
    let client: GatedPool
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

    public func adminExists() async throws -> Bool {
        let rows = try await client.query("SELECT EXISTS (SELECT 1 FROM users WHERE role = 'admin' AND disabled_at IS NULL)", logger: logger)
        for try await exists in rows.decode(Bool.self) { return exists }
        return false
    }

    public func credentials(email: String) async throws -> (user: User, passwordHash: String)? {
        let rows = try await client.query(
            // Invited people have no password until they use their link.
            "SELECT id, email, role, password_hash FROM users WHERE email = \(email.lowercased()) AND disabled_at IS NULL AND password_hash IS NOT NULL",
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

    public func reserveLoginAttempt(subject: String, freeAttempts: Int, now: Date) async throws -> TimeInterval? {
        // The row lock of ON CONFLICT serialises concurrent attempts; the WHERE refuses while the subject
        // waits (1, 2, 4 … s after its free attempts, up to the maximum), so no row comes back.
        let rows = try await client.query("""
            INSERT INTO login_throttle AS t (subject, failures, last_failed) VALUES (\(subject), 1, \(now))
            ON CONFLICT (subject) DO UPDATE SET failures = t.failures + 1, last_failed = EXCLUDED.last_failed
            WHERE t.failures < \(freeAttempts)
               OR t.last_failed + make_interval(secs => least(\(LoginThrottle.maxDelay), power(2, t.failures - \(freeAttempts)))) <= \(now)
            RETURNING failures
            """, logger: logger)
        for try await _ in rows { return nil }
        let waiting = try await client.query("SELECT failures, last_failed FROM login_throttle WHERE subject = \(subject)", logger: logger)
        for try await (failures, last) in waiting.decode((Int, Date).self) {
            return max(1, LoginThrottle.wait(failures: failures, lastFailure: last, now: now, freeAttempts: freeAttempts))
        }
        return 1
    }

    public func settleLoginAttempt(subject: String, forget: Bool) async throws {
        if forget {
            try await client.query("DELETE FROM login_throttle WHERE subject = \(subject)", logger: logger)
        } else {
            try await client.query("UPDATE login_throttle SET failures = greatest(0, failures - 1) WHERE subject = \(subject)", logger: logger)
        }
    }
}
