import ArgumentParser
import Foundation
import LoupeDomain
import LoupeServices

/// `loupe purge --task T --older-than DAYS`: erase the content of a task's items decided more than DAYS ago,
/// keeping their skeleton (the same erasure as retention and erasure requests).
struct Purge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Erase the content of a task's items decided more than DAYS ago.")
    @Option(help: "The task.") var task: String
    @Option(help: "Erase items decided more than this many days ago (0: every decided item).") var olderThan: Int
    @OptionGroup var database: DatabaseOptions

    func validate() throws {
        guard olderThan >= 0 else { throw ValidationError("--older-than must be 0 or more days") }
        guard TaskDefinition.isValidName(task) else { throw ValidationError("--task must be a task name") }
    }

    func run() async throws {
        let logger = Logs.make("loupe")
        let session = try await database.open(exclusive: false, logger: logger)
        defer { session.close() }
        var total = 0
        try await Operator.report {
            total = try await AdminTasks.purge(session: session, task: task, cutoff: Date().addingTimeInterval(-Double(olderThan) * 86_400),
                                               logger: logger)
        }
        print("erased the content of \(total) items of task \(task)")
    }
}
