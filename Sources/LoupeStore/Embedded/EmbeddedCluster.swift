import Crypto
import Foundation
import Logging
#if canImport(Glibc)
import Glibc
#endif

/// A private PostgreSQL 15 cluster under Loupe's data directory, for running without `DATABASE_URL`.
///
/// Layout: `<data-dir>/loupe.lock` (owner's flock), `<data-dir>/pg` (the cluster), `<data-dir>/run`
/// (socket and server log). Only a Unix socket is opened; there is no TCP listener.
public final class EmbeddedCluster: Sendable {
    public static let user = "loupe"
    public static let database = "loupe"

    public let dataDirectory: String
    let clusterRoot: String
    let binDirectory: String
    let runner: CommandRunner
    let logger: Logger
    private let lock: DataDirectoryLock?

    var pgData: String { clusterRoot + "/pg" }
    var runDirectory: String { clusterRoot + "/run" }
    public var socketDirectory: String {
        // sun_path holds 107 bytes; long data-dir paths move the socket to /tmp.
        let preferred = runDirectory
        if (preferred + "/.s.PGSQL.5432").utf8.count <= 100 { return preferred }
        return "/tmp/loupe-" + Self.shortHash(clusterRoot)
    }

    /// The socket as `loupe serve` and the CLI connect to it.
    public var location: DatabaseLocation {
        DatabaseLocation(socketPath: socketDirectory + "/.s.PGSQL.5432", user: Self.user, database: Self.database)
    }

    /// postgresql.conf lines of the operator's, read after Loupe's own settings (which are rewritten at every start).
    public var overridesPath: String { dataDirectory + "/postgresql.override.conf" }

    /// True when this process owns the cluster (started it, stops it); false when attached to another owner's.
    public var isOwner: Bool { lock != nil }

    private init(dataDirectory: String, clusterRoot: String, binDirectory: String, runner: CommandRunner,
                 logger: Logger, lock: DataDirectoryLock?) {
        self.dataDirectory = dataDirectory
        self.clusterRoot = clusterRoot
        self.binDirectory = binDirectory
        self.runner = runner
        self.logger = logger
        self.lock = lock
    }

    /// Takes ownership of the data directory's cluster, creating it on first use, and starts it.
    /// With `attachIfOwned`, a cluster owned by a running `loupe serve` is used as it is.
    /// `maxConnections`: PostgreSQL's max_connections (a test run with dozens of servers needs more than one Loupe).
    /// `settings`: extra postgresql.conf lines after the memory-sized `EmbeddedTuning` (the test suite's throwaway cluster
    /// turns fsync off).
    public static func open(dataDirectory: String, attachIfOwned: Bool, maxConnections: Int = 500, settings: [String] = [],
                            logger: Logger) throws -> EmbeddedCluster {
        let bin = try PostgresBinaries.locate()
        let dir = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        let isRoot = geteuid() == 0
        let runner = CommandRunner(asPostgresUser: isRoot)
        let root = try clusterRoot(for: dir, isRoot: isRoot, runner: runner, logger: logger)
        guard let lock = try DataDirectoryLock.acquire(directory: dir) else {
            let holder = DataDirectoryLock.holder(directory: dir)
            let cluster = EmbeddedCluster(dataDirectory: dir, clusterRoot: root, binDirectory: bin, runner: runner, logger: logger, lock: nil)
            guard attachIfOwned, cluster.isRunning else {
                throw StoreError.embedded(
                    "another Loupe process (pid \(holder.isEmpty ? "unknown" : holder)) is already using the data directory \(dir); "
                        + "stop it first or pass a different --data-dir")
            }
            return cluster
        }
        let cluster = EmbeddedCluster(dataDirectory: dir, clusterRoot: root, binDirectory: bin, runner: runner, logger: logger, lock: lock)
        do {
            try cluster.prepareAndStart(isRoot: isRoot, maxConnections: maxConnections, settings: settings)
        } catch {
            lock.release()
            throw error
        }
        return cluster
    }

    var isRunning: Bool { runner.status(binDirectory + "/pg_ctl", ["-D", pgData, "status"]) == 0 }

    private func prepareAndStart(isRoot: Bool, maxConnections: Int, settings extra: [String]) throws {
        for dir in [clusterRoot, pgData, runDirectory, socketDirectory] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: dir == clusterRoot ? 0o755 : 0o700])
            if isRoot && dir != clusterRoot { try Self.chownToPostgres(dir) }
        }
        if !FileManager.default.fileExists(atPath: pgData + "/PG_VERSION") {
            let existing = (try? FileManager.default.contentsOfDirectory(atPath: pgData)) ?? []
            guard existing.isEmpty else {
                throw StoreError.embedded("\(pgData) is not empty but holds no PostgreSQL cluster; move it away and start again")
            }
            logger.info("creating embedded PostgreSQL cluster", metadata: ["path": .string(pgData)])
            try runner.run(binDirectory + "/initdb", ["-D", pgData, "-U", Self.user, "--auth=trust", "-E", "UTF8", "--locale=C", "--no-instructions"])
            let conf = try FileHandle(forWritingTo: URL(fileURLWithPath: pgData + "/postgresql.conf"))
            conf.seekToEndOfFile()
            conf.write(Data("\ninclude_if_exists = 'loupe.conf'\n".utf8))
            try conf.close()
        }
        // Rewritten at every start so a moved data directory still finds its socket.
        let settings = """
            listen_addresses = ''
            unix_socket_directories = '\(socketDirectory)'
            unix_socket_permissions = 0700
            port = 5432
            max_connections = \(maxConnections)
            logging_collector = off
            \((EmbeddedTuning.detect().settings + extra).joined(separator: "\n"))
            include_if_exists = '\(overridesPath.replacingOccurrences(of: "'", with: "''"))'

            """
        try settings.write(toFile: pgData + "/loupe.conf", atomically: false, encoding: .utf8)
        if isRoot { try Self.chownToPostgres(pgData + "/loupe.conf") }
        if isRunning {
            // A previous owner was killed without stopping its server; adopt it.
            logger.notice("embedded PostgreSQL from an earlier run is still up; reusing it")
            return
        }
        try runner.run(binDirectory + "/pg_ctl", ["-D", pgData, "-l", runDirectory + "/postgres.log", "-w", "-t", "60", "start"])
        logger.info("embedded PostgreSQL started", metadata: ["socket": .string(socketDirectory)])
    }

    /// Stops the server (fast shutdown: open transactions roll back, committed data is safe).
    public func stop() {
        guard let lock else { return }
        do {
            try runner.run(binDirectory + "/pg_ctl", ["-D", pgData, "-m", "fast", "-w", "-t", "60", "stop"])
            logger.info("embedded PostgreSQL stopped")
        } catch {
            logger.error("could not stop embedded PostgreSQL: \(error)")
        }
        lock.release()
    }

    /// Runs `pg_ctl` on the cluster of `dataDirectory` without owning it (operators and fault tests
    /// stopping and starting PostgreSQL under a running server). Returns the exit status.
    public static func pgCtl(dataDirectory: String, _ arguments: [String]) throws -> Int32 {
        let dir = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let runner = CommandRunner(asPostgresUser: geteuid() == 0)
        let pointer = (try? String(contentsOfFile: dir + "/cluster-location", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
        return runner.status(try PostgresBinaries.locate() + "/pg_ctl", ["-D", (pointer ?? dir) + "/pg"] + arguments)
    }

    static func shortHash(_ s: String) -> String {
        SHA256.hash(data: Array(s.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
    }

    /// As root the cluster runs as `postgres`, which must be able to reach it; if the data directory
    /// sits somewhere it cannot (e.g. under /root), the cluster lives in /var/lib/loupe instead.
    private static func clusterRoot(for dir: String, isRoot: Bool, runner: CommandRunner, logger: Logger) throws -> String {
        guard isRoot else { return dir }
        guard getpwnam("postgres") != nil else {
            throw StoreError.embedded("running as root needs the 'postgres' system user; install PostgreSQL (apt-get install postgresql-15) or run as another user")
        }
        if runner.status("/usr/bin/test", ["-x", dir]) == 0 { return dir }
        let fallback = "/var/lib/loupe/clusters/" + shortHash(dir)
        try FileManager.default.createDirectory(atPath: fallback, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o755])
        logger.notice("the postgres user cannot reach \(dir); keeping the embedded cluster in \(fallback)")
        let pointer = dir + "/cluster-location"
        try? "\(fallback)\n".write(toFile: pointer, atomically: true, encoding: .utf8)
        return fallback
    }

    private static func chownToPostgres(_ path: String) throws {
        guard let pw = getpwnam("postgres") else { throw StoreError.embedded("no 'postgres' user") }
        guard chown(path, pw.pointee.pw_uid, pw.pointee.pw_gid) == 0 else {
            throw StoreError.embedded("cannot hand \(path) to the postgres user: \(String(cString: strerror(errno)))")
        }
    }
}
