import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// People as admins manage them: invitations, roles and groups, deactivation, one-time password links.
extension PostgresUserRepository: PeopleRepository {
    static let personColumns = "u.id, u.email, u.role, u.groups, u.disabled_at IS NULL, u.password_hash IS NOT NULL, u.created_at"

    static func people(_ rows: PostgresRowSequence) async throws -> [Person] {
        var people: [Person] = []
        for try await (id, email, role, groups, active, passwordSet, created)
            in rows.decode((UUID, String, String, [String], Bool, Bool, Date).self) {
            guard let role = Role(rawValue: role) else { continue }
            people.append(Person(id: id, email: email, role: role, groups: groups, active: active, passwordSet: passwordSet, createdAt: created))
        }
        return people
    }

    public func invite(_ invitation: Invitation, tokenHash: String, expiresAt: Date, now: Date) async throws -> Person {
        do {
            let rows = try await client.query("""
                WITH u AS (
                    INSERT INTO users (id, email, role, password_hash, created_at, groups)
                    VALUES (\(UUIDv7.make(at: now)), \(invitation.email), \(invitation.role.rawValue), NULL, \(now), \(invitation.groups))
                    RETURNING *
                ), link AS (
                    INSERT INTO user_setup_links (token_hash, user_id, purpose, created_at, expires_at)
                    SELECT \(tokenHash), id, 'invite', \(now), \(expiresAt) FROM u
                )
                SELECT \(unescaped: Self.personColumns) FROM u
                """, logger: logger)
            if let person = try await Self.people(rows).first { return person }
        } catch let error as PSQLError where error.serverInfo?[.sqlState] == "23505" {
            throw Problem.conflict("a person with the email \(invitation.email) already exists; change their role or send a reset link instead")
        }
        throw StoreError.configuration("inviting \(invitation.email) returned no row")
    }

    public func people() async throws -> [Person] {
        try await Self.people(try await client.query("SELECT \(unescaped: Self.personColumns) FROM users u ORDER BY u.email", logger: logger))
    }

    public func update(_ id: UUID, _ change: PersonChange, now: Date) async throws -> Person? {
        // The active admins are locked first, so two admins demoting each other at once cannot both succeed.
        let rows = try await client.query("""
            WITH admins AS (
                SELECT id FROM users WHERE role = 'admin' AND disabled_at IS NULL FOR UPDATE
            ), u AS (
                UPDATE users u SET role = coalesce(\(change.role?.rawValue), u.role), groups = coalesce(\(change.groups), u.groups),
                       disabled_at = CASE WHEN \(change.active)::boolean IS NULL THEN u.disabled_at
                                          WHEN \(change.active) THEN NULL ELSE coalesce(u.disabled_at, \(now)) END
                WHERE u.id = \(id)
                  AND NOT (u.role = 'admin' AND u.disabled_at IS NULL
                           AND (coalesce(\(change.role?.rawValue), 'admin') <> 'admin' OR \(change.active) = false)
                           AND NOT EXISTS (SELECT 1 FROM admins a WHERE a.id <> u.id))
                RETURNING u.*
            ), ended AS (
                DELETE FROM sessions s USING u WHERE s.user_id = u.id AND u.disabled_at IS NOT NULL
            )
            SELECT \(unescaped: Self.personColumns) FROM u
            """, logger: logger)
        if let person = try await Self.people(rows).first { return person }
        for try await _ in try await client.query("SELECT 1 FROM users WHERE id = \(id)", logger: logger) {
            throw Problem.conflict("this is the last active admin: make someone else an admin first")
        }
        return nil
    }

    public func resetLink(_ id: UUID, tokenHash: String, expiresAt: Date, now: Date) async throws -> Person? {
        let rows = try await client.query("""
            WITH u AS (
                SELECT * FROM users WHERE id = \(id) AND disabled_at IS NULL
            ), superseded AS (
                UPDATE user_setup_links SET expires_at = \(now)
                WHERE user_id IN (SELECT id FROM u) AND used_at IS NULL AND expires_at > \(now)
            ), link AS (
                INSERT INTO user_setup_links (token_hash, user_id, purpose, created_at, expires_at)
                SELECT \(tokenHash), id, 'reset', \(now), \(expiresAt) FROM u
            )
            SELECT \(unescaped: Self.personColumns) FROM u
            """, logger: logger)
        return try await Self.people(rows).first
    }

    public func setupLink(tokenHash: String, now: Date) async throws -> (person: Person, purpose: SetupPurpose)? {
        let rows = try await client.query("""
            SELECT \(unescaped: Self.personColumns), l.purpose
            FROM user_setup_links l JOIN users u ON u.id = l.user_id
            WHERE l.token_hash = \(tokenHash) AND l.used_at IS NULL AND l.expires_at > \(now) AND u.disabled_at IS NULL
            """, logger: logger)
        for try await (id, email, role, groups, active, passwordSet, created, purpose)
            in rows.decode((UUID, String, String, [String], Bool, Bool, Date, String).self) {
            guard let role = Role(rawValue: role), let purpose = SetupPurpose(rawValue: purpose) else { return nil }
            return (Person(id: id, email: email, role: role, groups: groups, active: active, passwordSet: passwordSet, createdAt: created), purpose)
        }
        return nil
    }

    public func completeSetup(tokenHash: String, passwordHash: String, now: Date) async throws -> User? {
        let rows = try await client.query("""
            WITH used AS (
                UPDATE user_setup_links SET used_at = \(now)
                WHERE token_hash = \(tokenHash) AND used_at IS NULL AND expires_at > \(now)
                RETURNING user_id
            ), u AS (
                UPDATE users u SET password_hash = \(passwordHash) FROM used
                WHERE u.id = used.user_id AND u.disabled_at IS NULL
                RETURNING u.id, u.email, u.role
            ), ended AS (
                DELETE FROM sessions s USING u WHERE s.user_id = u.id
            )
            SELECT id, email, role FROM u
            """, logger: logger)
        for try await (id, email, role) in rows.decode((UUID, String, String).self) {
            return Role(rawValue: role).map { User(id: id, email: email, role: $0) }
        }
        return nil
    }
}
