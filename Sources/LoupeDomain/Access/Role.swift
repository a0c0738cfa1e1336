/// What a caller may do. `admin` may do everything; a `lead` is a reviewer who also adjudicates disputed items.
public enum Role: String, Sendable, CaseIterable, Codable {
    case ingest, reviewer, lead, analyst, admin

    public func satisfies(_ allowed: Set<Role>) -> Bool {
        self == .admin || allowed.contains(self) || (self == .lead && allowed.contains(.reviewer))
    }
}

/// The authenticated caller of a request: an API key now, a person once sessions exist.
public struct Principal: Sendable, Hashable {
    public enum Kind: String, Sendable { case apiKey = "key", user }
    public let id: String
    public let name: String
    public let role: Role
    public let kind: Kind
    /// The tasks this caller may touch (a scoped API key); nil for every task.
    public let tasks: Set<String>?
    /// Requests per second this key may make; nil = the server default.
    public var rateLimit: Double?

    public init(id: String, name: String, role: Role, kind: Kind, tasks: Set<String>? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.kind = kind
        self.tasks = tasks
    }

    /// Whether this caller may see and submit items of `task`.
    public func mayUse(task: String) -> Bool { tasks?.contains(task) ?? true }

    /// 403 naming the caller's tasks when `task` is outside them.
    public func requireTask(_ task: String) throws(Problem) {
        guard mayUse(task: task) else {
            throw Problem.forbidden("this key is limited to the tasks \((tasks ?? []).sorted().joined(separator: ", ")); '\(task)' is not one of them")
        }
    }

    /// Who decided and who holds leases is for analysts and admins; upstream systems and reviewers see "reviewer".
    public var seesReviewers: Bool { role == .analyst || role == .admin || role == .lead }

    /// How leases, decisions and history name this caller: a stable id ("key:<key id>", "user:<email>").
    /// A key's display name is not unique, so it is never an identity.
    public var actor: String { kind == .apiKey ? "key:\(id)" : "user:\(name)" }
}
