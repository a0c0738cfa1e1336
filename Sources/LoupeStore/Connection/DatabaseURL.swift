import Foundation
import PostgresNIO

/// Where the database is: a `postgres://` URL or the embedded cluster's socket.
public struct DatabaseLocation: Sendable, CustomStringConvertible {
    enum Endpoint: Sendable { case tcp(host: String, port: Int), socket(String) }
    let endpoint: Endpoint
    let user: String
    let password: String?
    public let database: String

    /// Parses `postgres://user:password@host:port/database` (libpq's `?host=/socket/dir` works too).
    public init(url: String) throws {
        guard let c = URLComponents(string: url), c.scheme == "postgres" || c.scheme == "postgresql" else {
            throw StoreError.configuration("DATABASE_URL must look like postgres://user:password@host:5432/database")
        }
        let path = c.path.hasPrefix("/") ? String(c.path.dropFirst()) : c.path
        user = c.user?.removingPercentEncoding ?? "postgres"
        password = c.password?.removingPercentEncoding
        database = path.isEmpty ? user : path
        let query = Dictionary((c.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        if let host = query["host"], host.hasPrefix("/") {
            endpoint = .socket(host + "/.s.PGSQL.\(c.port ?? 5432)")
        } else {
            endpoint = .tcp(host: c.host ?? "localhost", port: c.port ?? 5432)
        }
    }

    /// A Unix-domain socket, as the embedded cluster uses.
    public init(socketPath: String, user: String, database: String) {
        endpoint = .socket(socketPath)
        self.user = user
        password = nil
        self.database = database
    }

    private init(endpoint: Endpoint, user: String, password: String?, database: String) {
        self.endpoint = endpoint
        self.user = user
        self.password = password
        self.database = database
    }

    public func with(database: String) -> DatabaseLocation {
        DatabaseLocation(endpoint: endpoint, user: user, password: password, database: database)
    }

    /// For PostgreSQL's own tools: the URL without the password, which goes in `PGPASSWORD` so that it never
    /// shows in a process list.
    var toolInvocation: (url: String, environment: [String: String]) {
        (url(withPassword: false), password.map { ["PGPASSWORD": $0] } ?? [:])
    }

    /// The same database as a libpq URL, for PostgreSQL's own tools.
    public var psqlURL: String { url(withPassword: true) }

    private func url(withPassword: Bool) -> String {
        let secret = withPassword ? password : nil
        let auth = user + (secret.map { ":" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? "")
        switch endpoint {
        case .tcp(let host, let port): return "postgres://\(auth)@\(host):\(port)/\(database)"
        case .socket(let path):
            let dir = (path as NSString).deletingLastPathComponent
            let port = path.split(separator: ".").last.map(String.init) ?? "5432"
            return "postgres://\(auth)@/\(database)?host=\(dir)&port=\(port)"
        }
    }

    public var description: String {
        switch endpoint {
        case .tcp(let host, let port): "\(host):\(port)/\(database)"
        case .socket(let path): "\(path) (database \(database))"
        }
    }

    var clientConfiguration: PostgresClient.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        case .socket(let path):
            .init(unixSocketPath: path, username: user, password: password, database: database)
        }
    }

    var connectionConfiguration: PostgresConnection.Configuration {
        switch endpoint {
        case .tcp(let host, let port):
            .init(host: host, port: port, username: user, password: password, database: database, tls: .disable)
        case .socket(let path):
            .init(unixSocketPath: path, username: user, password: password, database: database)
        }
    }

    /// One short-lived connection, for migrations and administration.
    func withConnection<T>(logger: Logger, _ body: (PostgresConnection) async throws -> T) async throws -> T {
        let connection = try await PostgresConnection.connect(configuration: connectionConfiguration, id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }
}

/// Failures of the storage layer that an operator can act on.
public enum StoreError: Error, CustomStringConvertible, Sendable {
    case configuration(String)
    case embedded(String)
    case migration(String)

    public var description: String {
        switch self {
        case .configuration(let m), .embedded(let m), .migration(let m): m
        }
    }
}
