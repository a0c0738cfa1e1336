/// What a caller may do. `admin` may do everything.
public enum Role: String, Sendable, CaseIterable, Codable {
    case ingest, reviewer, analyst, admin

    public func satisfies(_ allowed: Set<Role>) -> Bool { self == .admin || allowed.contains(self) }
}

/// The authenticated caller of a request: an API key now, a person once sessions exist.
public struct Principal: Sendable, Hashable {
    public enum Kind: String, Sendable { case apiKey = "key", user }
    public let id: String
    public let name: String
    public let role: Role
    public let kind: Kind

    public init(id: String, name: String, role: Role, kind: Kind) {
        self.id = id
        self.name = name
        self.role = role
        self.kind = kind
    }

    /// How decisions and history name this caller, e.g. "key:ingest-bot".
    public var actor: String { "\(kind.rawValue):\(name)" }
}
