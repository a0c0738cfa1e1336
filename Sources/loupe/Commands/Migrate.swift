import ArgumentParser

/// `loupe migrate`: apply pending migrations and exit.
struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Apply pending database migrations.")
    @OptionGroup var database: DatabaseOptions

    func run() async throws {
        let session = try await database.open(exclusive: false, logger: Logs.make("loupe"))
        session.close()
        print("database is at migration \(session.latestMigration)")
    }
}
