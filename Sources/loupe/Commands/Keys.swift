import ArgumentParser
import Foundation
import LoupeDomain
import LoupeServices
import LoupeStore

/// `loupe keys …`: API key administration.
struct Keys: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Manage API keys.", subcommands: [Create.self])

    /// `loupe keys create --name N --role R`: the key is printed once, alone on the last line of stdout.
    struct Create: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Create an API key and print it (only its hash is stored).")
        @Option(help: "A name that says who uses the key.") var name: String
        @Option(help: "ingest | reviewer | lead | analyst | admin") var role: String
        @Option(name: .customLong("task"), help: "Limit the key to this task; repeatable. Without it the key covers every task.")
        var tasks: [String] = []
        @Option(help: "Requests per second this key may make (default: the server's LOUPE_DEFAULT_RATE_LIMIT, unlimited if unset).")
        var rateLimit: Double?
        @OptionGroup var database: DatabaseOptions

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be one of ingest, reviewer, lead, analyst, admin") }
            guard !name.isEmpty, name.count <= 200 else { throw ValidationError("--name must be 1–200 characters") }
            if let rateLimit, !(rateLimit > 0 && rateLimit <= 1_000_000) { throw ValidationError("--rate-limit must be a number of requests per second above 0") }
        }

        func run() async throws {
            let logger = Logs.make("loupe")
            let session = try await database.open(exclusive: false, logger: logger)
            defer { session.close() }
            let created = try await AdminTasks.createKey(session: session, name: name, role: Role(rawValue: role)!,
                                                         tasks: tasks.isEmpty ? nil : tasks, rateLimit: rateLimit, logger: logger)
            let scope = tasks.isEmpty ? "every task" : "tasks " + tasks.joined(separator: ", ")
            print("created \(role) key '\(name)' for \(scope); store it now, it cannot be shown again.")
            print("callback secret (verifies callbacks of items this key submits): \(created.callbackSecret)")
            print(created.key)
        }
    }
}
