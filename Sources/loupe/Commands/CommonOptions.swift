import ArgumentParser
import Foundation
import Logging
import LoupeServices

/// Options every command that touches the database shares.
struct DatabaseOptions: ParsableArguments {
    @Option(help: "Directory for the embedded PostgreSQL cluster (used when DATABASE_URL is unset).")
    var dataDir: String = ".loupe"

    var databaseURL: String? { ProcessInfo.processInfo.environment["DATABASE_URL"] }

    func open(exclusive: Bool, migrate: Bool = true, logger: Logger) async throws -> DatabaseSession {
        do {
            return try await DatabaseSession.open(databaseURL: databaseURL, dataDirectory: dataDir,
                                                  exclusive: exclusive, migrate: migrate, logger: logger)
        } catch {
            // Operators get the sentence, not a usage screen or a stack of types.
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            throw ExitCode.failure
        }
    }
}

enum Logs {
    /// Logs go to stderr so stdout stays clean for the command's result (e.g. a new key).
    static func make(_ label: String) -> Logger {
        LoggingBootstrap.once
        return Logger(label: label)
    }
}

private enum LoggingBootstrap {
    static let once: Void = {
        let level = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:)) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }()
}
