import ArgumentParser

/// The `loupe` command line.
@main
struct Loupe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Human-in-the-loop review backend for model output.",
        subcommands: [Serve.self, Migrate.self, Keys.self, Users.self, Export.self, Backup.self, Restore.self, Purge.self])
}
