import Foundation
import LoupeJSON

/// A person as admins see them: never the password, only whether one is set.
public struct Person: Sendable, Equatable {
    public let id: UUID
    public let email: String
    public let role: Role
    public let groups: [String]
    public let active: Bool
    public let passwordSet: Bool
    public let createdAt: Date

    public init(id: UUID, email: String, role: Role, groups: [String], active: Bool, passwordSet: Bool, createdAt: Date) {
        self.id = id
        self.email = email
        self.role = role
        self.groups = groups
        self.active = active
        self.passwordSet = passwordSet
        self.createdAt = createdAt
    }

    public var json: JSONValue {
        ["id": .string(id.uuidString.lowercased()), "email": .string(email), "role": .string(role.rawValue),
         "groups": .array(groups.map(JSONValue.string)), "active": .bool(active), "password_set": .bool(passwordSet),
         "created_at": .string(Timestamp.string(createdAt))]
    }

    /// The roles a person may have (API keys alone ingest).
    public static let roles: [Role] = [.reviewer, .lead, .analyst, .admin]

    /// Group names: like task names, so `group:NAME` in a task's reviewers list reads unambiguously.
    public static func parseGroups(_ value: JSONValue?, into r: inout FieldReader) -> [String]? {
        guard let value, !value.isNull else { return nil }
        guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count, list.count <= 50,
              list.allSatisfy(TaskDefinition.isValidName) else {
            r.error("groups", "must be an array of at most 50 group names (1–64 ASCII letters, digits, '_', '.' or '-')")
            return nil
        }
        return Array(Set(list)).sorted()
    }
}

/// What a one-time link is for: a new person's first password, or a new one an admin sent.
public enum SetupPurpose: String, Sendable { case invite, reset }

/// What an admin changes about a person (`PATCH /v1/users/{id}`); absent fields stay.
public struct PersonChange: Sendable, Equatable {
    public var role: Role?
    public var groups: [String]?
    public var active: Bool?

    public init(role: Role? = nil, groups: [String]? = nil, active: Bool? = nil) {
        self.role = role
        self.groups = groups
        self.active = active
    }

    public static func parse(_ body: JSONValue) throws(Problem) -> PersonChange {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["role", "groups", "active"])
        var change = PersonChange()
        change.role = parseRole(r.string("role", maxLength: 20), into: &r)
        change.groups = Person.parseGroups(r.value("groups", required: false), into: &r)
        if let v = r.value("active", required: false), !v.isNull {
            if let b = v.boolValue { change.active = b } else { r.error("active", "must be true or false") }
        }
        guard r.errors.isEmpty else { throw Problem.invalid(r.errors) }
        return change
    }

    static func parseRole(_ text: String?, into r: inout FieldReader) -> Role? {
        guard let text else { return nil }
        guard let role = Role(rawValue: text), Person.roles.contains(role) else {
            r.error("role", "must be one of \(Person.roles.map(\.rawValue).joined(separator: ", "))")
            return nil
        }
        return role
    }
}

/// `POST /v1/users {email, role, groups?}`.
public struct Invitation: Sendable, Equatable {
    public let email: String
    public let role: Role
    public let groups: [String]

    public static func parse(_ body: JSONValue) throws(Problem) -> Invitation {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["email", "role", "groups"])
        let email = r.string("email", required: true, maxLength: 254)?.lowercased()
        if let email, !email.contains("@") || email.count < 3 { r.error("email", "must be an email address") }
        let role = PersonChange.parseRole(r.string("role", required: true, maxLength: 20), into: &r)
        let groups = Person.parseGroups(r.value("groups", required: false), into: &r) ?? []
        guard r.errors.isEmpty, let email, let role else { throw Problem.invalid(r.errors) }
        return Invitation(email: email, role: role, groups: groups)
    }
}

/// People as admins manage them, and the one-time links that set passwords.
public protocol PeopleRepository: Sendable {
    /// A new person without a password and the link (stored as `tokenHash`) to set one; 409 when the email exists.
    func invite(_ invitation: Invitation, tokenHash: String, expiresAt: Date, now: Date) async throws -> Person
    func people() async throws -> [Person]
    /// Applies `change`; nil for an unknown id. Deactivating ends the person's sessions; a change that would leave no
    /// active admin is refused (409).
    func update(_ id: UUID, _ change: PersonChange, now: Date) async throws -> Person?
    /// A new reset link for the person (earlier unused links stop working); nil for an unknown or inactive person.
    func resetLink(_ id: UUID, tokenHash: String, expiresAt: Date, now: Date) async throws -> Person?
    /// Who a valid, unused link is for.
    func setupLink(tokenHash: String, now: Date) async throws -> (person: Person, purpose: SetupPurpose)?
    /// Uses the link: sets the password, ends the person's other sessions; nil when the link is unknown, used or expired.
    func completeSetup(tokenHash: String, passwordHash: String, now: Date) async throws -> User?
}
