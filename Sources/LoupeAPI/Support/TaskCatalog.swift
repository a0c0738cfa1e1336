import Foundation
import LoupeDomain
import Synchronization

/// Compiled tasks for intake, cached briefly: a task edited on another instance applies within `ttl`,
/// one edited here applies at once.
final class TaskCatalog: Sendable {
    let repository: any TaskRepository
    let ttl: TimeInterval
    private let cache = Mutex<[String: (task: CompiledTask, expires: Date)]>([:])

    init(repository: any TaskRepository, ttl: TimeInterval = 2) {
        self.repository = repository
        self.ttl = ttl
    }

    func task(named name: String) async throws -> CompiledTask? {
        let now = Date()
        if let hit = cache.withLock({ $0[name] }), hit.expires > now { return hit.task }
        guard let definition = try await repository.get(name) else { return nil }
        let compiled = CompiledTask(definition)
        store(compiled, now: now)
        return compiled
    }

    func store(_ task: CompiledTask, now: Date = Date()) {
        cache.withLock { $0[task.definition.name] = (task, now.addingTimeInterval(ttl)) }
    }
}
