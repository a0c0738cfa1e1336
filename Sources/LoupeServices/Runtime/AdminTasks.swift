import Foundation
import Logging
import LoupeAPI
import LoupeDomain
import LoupeStore
import ServiceLifecycle

/// One-off administrative work for the CLI, run against a short-lived pool.
public enum AdminTasks {
    /// A new key (and its callback secret), limited to `tasks` when given.
    public static func createKey(session: DatabaseSession, name: String, role: Role, tasks: [String]? = nil, rateLimit: Double? = nil,
                                 logger: Logger) async throws -> (key: String, callbackSecret: String) {
        try await withStore(session, logger: logger) { store in
            let created = try await store.keys.create(name: name, role: role, tasks: tasks, rateLimit: rateLimit, now: Date())
            return (created.key, created.callbackSecret)
        }
    }

    public static func createUser(session: DatabaseSession, email: String, role: Role, password: String, groups: [String] = [],
                                  cost: UInt8, logger: Logger) async throws -> User {
        let hash = try await PasswordHasher(cost: cost).hash(password)
        return try await withStore(session, logger: logger) { store in
            let user = try await store.users.create(email: email, role: role, passwordHash: hash, now: Date())
            if !groups.isEmpty { _ = try await store.users.update(user.id, PersonChange(groups: groups), now: Date()) }
            return user
        }
    }

    /// Streams an export to `write`; returns the number of rows.
    public static func export(session: DatabaseSession, filter: ExportFilter, format: ExportFormat, logger: Logger,
                              progress: @escaping @Sendable (Int) -> Void,
                              write: @escaping @Sendable ([UInt8]) -> Void) async throws -> Int {
        try await withStore(session, logger: logger) { store in
            guard let task = try await store.tasks.get(filter.task) else { throw Problem.notFound("there is no task '\(filter.task)'") }
            return try await ExportStream.run(filter, format: format, instructions: task.instructions, from: store.export,
                                              progress: progress) { write($0) }
        }
    }

    /// Erases the content of `task`'s items decided before `cutoff`, in batches; returns how many.
    public static func purge(session: DatabaseSession, task: String, cutoff: Date, logger: Logger) async throws -> Int {
        try await withStore(session, logger: logger) { store in
            guard try await store.tasks.get(task) != nil else { throw Problem.notFound("there is no task '\(task)'") }
            var total = 0, erased = 0
            repeat {
                erased = try await store.erasure.erase(.decidedBefore(task: task, cutoff: cutoff), actor: "system:purge", now: Date(), limit: 500).count
                total += erased
            } while erased == 500
            return total
        }
    }

    /// Runs `body` with a store whose pool is running, then shuts the pool down.
    public static func withStore<T: Sendable>(_ session: DatabaseSession, logger: Logger,
                                              _ body: @escaping @Sendable (PostgresStore) async throws -> T) async throws -> T {
        var quiet = logger
        quiet.logLevel = .error  // the pool warns when a query races its start; harmless here
        let store = PostgresStore(location: session.location, expectedMigration: session.latestMigration, maxConnections: 2, logger: quiet)
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                try await store.service.run()
                return nil
            }
            defer { group.cancelAll() }
            return try await body(store)
        }
    }
}
