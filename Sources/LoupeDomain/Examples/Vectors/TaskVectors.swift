import Foundation
import Synchronization

/// What changed in a task's examples since its index was last brought up to date.
struct VectorChanges: Sendable {
    var reloadAll = true
    var ids: Set<UUID> = []
    var isEmpty: Bool { !reloadAll && ids.isEmpty }
}

/// One task's vector index on this server: loaded on its first search, then brought up to date before each
/// search from the changes LISTEN reported (only those rows are read again).
actor TaskVectors {
    let task: String
    nonisolated let changes = Mutex(VectorChanges())
    private var index: VectorIndex?
    private var refreshing: Task<Void, Error>?

    init(task: String) { self.task = task }

    /// Notes changed examples (nil: assume any may have changed, e.g. after a LISTEN gap).
    nonisolated func note(_ ids: [UUID]?) {
        changes.withLock { c in
            if let ids { c.ids.formUnion(ids) } else { c.reloadAll = true }
        }
    }

    /// The nearest examples after applying every change noted before this call.
    func nearest(_ query: Embedding, dimensions: Int, limit: Int, source: any ExampleRepository,
                 budget: VectorBudget) async throws -> [(id: UUID, cosine: Double)] {
        try await bringUpToDate(dimensions: dimensions, source: source, budget: budget)
        return index?.nearest(query, limit: limit) ?? []
    }

    /// The cosines of the given examples that have embeddings.
    func cosines(_ query: Embedding, ids: [UUID], dimensions: Int, source: any ExampleRepository,
                 budget: VectorBudget) async throws -> [UUID: Double] {
        try await bringUpToDate(dimensions: dimensions, source: source, budget: budget)
        return index?.cosines(query, ids: ids) ?? [:]
    }

    /// One refresh at a time; a search arriving meanwhile waits for it, then applies what came in since.
    private func bringUpToDate(dimensions: Int, source: any ExampleRepository, budget: VectorBudget) async throws {
        if index?.dimensions != dimensions { note(nil) }
        while !changes.withLock({ $0.isEmpty }) || refreshing != nil {
            if let running = refreshing {
                _ = try? await running.value
                continue
            }
            let work = Task { try await self.refresh(dimensions: dimensions, source: source, budget: budget) }
            refreshing = work
            defer { refreshing = nil }
            try await work.value
        }
    }

    private func refresh(dimensions: Int, source: any ExampleRepository, budget: VectorBudget) async throws {
        let taken = changes.withLock { c -> VectorChanges in
            defer { c = VectorChanges(reloadAll: false) }
            return c
        }
        do {
            if taken.reloadAll || index?.dimensions != dimensions {
                index = nil
                budget.set(task, bytes: 0)
                var fresh = VectorIndex(dimensions: dimensions)
                var after: UUID?
                // Pages keep the connection only briefly and let the ceiling stop a load early.
                while true {
                    let page = try await source.embeddings(task: task, ids: nil, after: after, limit: 16_384)
                    for (id, embedding) in page { fresh.upsert(id, embedding) }
                    try budget.check(task, bytes: fresh.bytes, vectors: fresh.count, dimensions: dimensions)
                    guard page.count == 16_384, let last = page.last else { break }
                    after = last.id
                }
                index = fresh
            } else if var current = index, !taken.ids.isEmpty {
                var found: Set<UUID> = []
                for (id, embedding) in try await source.embeddings(task: task, ids: Array(taken.ids), after: nil, limit: taken.ids.count) {
                    found.insert(id)
                    current.upsert(id, embedding)
                }
                for id in taken.ids where !found.contains(id) { current.remove(id) }
                try budget.check(task, bytes: current.bytes, vectors: current.count, dimensions: dimensions)
                index = current
            }
            budget.set(task, bytes: index?.bytes ?? 0)
        } catch {
            // Try again on the next search; whatever was taken may not have been applied.
            changes.withLock { c in
                c.reloadAll = c.reloadAll || taken.reloadAll || index == nil
                c.ids.formUnion(taken.ids)
            }
            throw error
        }
    }
}
