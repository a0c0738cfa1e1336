import ArgumentParser
import Foundation
import LoupeDomain
import LoupeServices

/// `loupe users …`: people who sign in to the web UI.
struct Users: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage people who sign in to the web UI.", subcommands: [Create.self])

    /// `loupe users create --email E --role R [--group G]…`, the password read from stdin (first line).
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create a user; the password is read from stdin.")
        @Option(help: "The person's email, used to sign in.") var email: String
        @Option(help: "reviewer | lead | analyst | admin") var role: String
        @Option(name: .customLong("group"), help: "A group the person belongs to (repeat for several).") var groups: [String] = []
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard let role = Role(rawValue: role), role != .ingest else { throw ValidationError("--role must be reviewer, lead, analyst or admin") }
            guard email.contains("@"), (3...254).contains(email.count) else { throw ValidationError("--email must be an email address") }
            guard groups.count <= 50, groups.allSatisfy(TaskDefinition.isValidName) else {
                throw ValidationError("--group takes a name of 1–64 ASCII letters, digits, '_', '.' or '-' (at most 50 groups)")
            }
        }

        func run() async throws {
            if isatty(STDIN_FILENO) != 0 { FileHandle.standardError.write(Data("Password: ".utf8)) }
            guard let password = readLine(strippingNewline: true), password.count >= 8 else {
                FileHandle.standardError.write(Data("error: the password (read from stdin) must be at least 8 characters\n".utf8))
                throw ExitCode.failure
            }
            let logger = Logs.make("loupe")
            let session = try await database.open(exclusive: false, logger: logger)
            defer { session.close() }
            let cost = ProcessInfo.processInfo.environment["LOUPE_BCRYPT_COST"].flatMap(UInt8.init) ?? 12
            do {
                let user = try await AdminTasks.createUser(session: session, email: email, role: Role(rawValue: role)!,
                                                           password: password, groups: Array(Set(groups)).sorted(), cost: cost, logger: logger)
                print("created \(user.role.rawValue) \(user.email)")
            } catch let problem as Problem {
                FileHandle.standardError.write(Data("error: \(problem.detail)\n".utf8))
                throw ExitCode.failure
            }
        }
    }
}
