import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs PostgreSQL's tools, as the `postgres` user when we are root (they refuse to run as root).
///
/// Uses posix_spawn + waitpid rather than Foundation's Process: `pg_ctl start` leaves a daemon behind
/// that inherits descriptors, and Process then waits for it forever.
struct CommandRunner: Sendable {
    let asPostgresUser: Bool

    struct Failure: Error, CustomStringConvertible {
        let command: String
        let status: Int32
        let output: String
        var description: String { "\(command) exited with status \(status): \(output.trimmingCharacters(in: .whitespacesAndNewlines))" }
    }

    /// `environment` adds to this process's (e.g. `PGPASSWORD`, which must not appear in a command line).
    @discardableResult
    func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) throws -> String {
        let command = (asPostgresUser ? ["/usr/sbin/runuser", "-u", "postgres", "--"] : []) + [executable] + arguments
        // The tools must not inherit a working directory the postgres user cannot enter.
        let argv = ["/bin/sh", "-c", "cd / && exec \"$@\"", "sh"] + command
        let outputPath = NSTemporaryDirectory() + "loupe-cmd-\(UUID().uuidString)"
        defer { unlink(outputPath) }

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // Nothing else may leak into the tools, above all not into the PostgreSQL daemon `pg_ctl start` leaves
        // running: a descriptor it inherits stays open as long as it runs. Foundation's Process learns that a child
        // ended when its end of a socket pair closes; a copy kept by a daemon meant the parent never learned it,
        // and a test harness waiting for a `loupe serve` child to exit waited forever.
        Self.closeFrom?(&actions, 3)

        var cArgs: [UnsafeMutablePointer<CChar>?] = argv.map { strdup($0) } + [nil]
        defer { for p in cArgs { free(p) } }
        let merged = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        var cEnv: [UnsafeMutablePointer<CChar>?] = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in cEnv { free(p) } }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, "/bin/sh", &actions, nil, &cArgs, &cEnv)
        guard spawned == 0 else {
            throw Failure(command: command.joined(separator: " "), status: -1, output: String(cString: strerror(spawned)))
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) == -1 && errno == EINTR {}
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let exited = (status & 0x7F) == 0
        let code = exited ? (status >> 8) & 0xFF : 128 + (status & 0x7F)
        guard code == 0 else { throw Failure(command: command.joined(separator: " "), status: code, output: output) }
        return output
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34+; Debian 12 has 2.36), looked up at run time
    /// because Swift's Glibc module does not declare it.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let closeFrom: AddCloseFrom? = {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np") else { return nil }
        return unsafeBitCast(symbol, to: AddCloseFrom.self)
    }()

    /// Exit status only, for probes like `pg_ctl status`.
    func status(_ executable: String, _ arguments: [String]) -> Int32 {
        do {
            try run(executable, arguments)
            return 0
        } catch let failure as Failure {
            return failure.status
        } catch {
            return -1
        }
    }
}
