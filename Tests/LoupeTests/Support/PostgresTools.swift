import Foundation
@testable import LoupeStore

/// PostgreSQL's server tools run as an operator would: as the `postgres` user when the tests run as root
/// (initdb, pg_ctl and the server refuse root). Through the store's CommandRunner, which starts them with no
/// descriptor but 0-2: `pg_ctl start` leaves a daemon that would otherwise keep a pipe (or Foundation's
/// exit-detection socket) open, and the caller would wait for it forever.
enum PostgresTools {
    static let bin = "/usr/lib/postgresql/15/bin"

    @discardableResult
    static func run(_ tool: String, _ arguments: [String]) async throws -> String {
        try await OffPool.run { try blocking(tool, arguments) }
    }

    @discardableResult
    static func blocking(_ tool: String, _ arguments: [String]) throws -> String {
        try CommandRunner(asPostgresUser: geteuid() == 0).run(bin + "/" + tool, arguments)
    }

    /// A directory the `postgres` user owns (when the tests run as root).
    static func ownedDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if geteuid() == 0, let user = getpwnam("postgres") { chown(path, user.pointee.pw_uid, user.pointee.pw_gid) }
    }
}
