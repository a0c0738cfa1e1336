import Foundation
import Synchronization

/// Every task's in-memory vector index on this server, within one memory ceiling.
public final class ExampleVectors: Sendable {
    let budget: VectorBudget
    private let tasks = Mutex<[String: TaskVectors]>([:])

    /// `limitBytes`: the ceiling for all tasks together (LOUPE_EMBEDDING_MEMORY_MB).
    public init(limitBytes: Int) { budget = VectorBudget(limitBytes: limitBytes) }

    /// Up to `limit` enabled examples of `task` by cosine to `query`, highest first.
    public func nearest(task: String, query: Embedding, dimensions: Int, limit: Int,
                        source: any ExampleRepository) async throws -> [(id: UUID, cosine: Double)] {
        try await vectors(task).nearest(query, dimensions: dimensions, limit: limit, source: source, budget: budget)
    }

    /// The cosine to `query` of each of `ids` that has an embedding.
    public func cosines(task: String, query: Embedding, dimensions: Int, ids: [UUID],
                        source: any ExampleRepository) async throws -> [UUID: Double] {
        try await vectors(task).cosines(query, ids: ids, dimensions: dimensions, source: source, budget: budget)
    }

    private func vectors(_ task: String) -> TaskVectors {
        tasks.withLock { all in
            if let existing = all[task] { return existing }
            let created = TaskVectors(task: task)
            all[task] = created
            return created
        }
    }

    /// From LISTEN `loupe_examples`: these examples of `task` changed (nil: any may have).
    public func changed(task: String, ids: [UUID]?) {
        tasks.withLock { $0[task] }?.note(ids)
    }

    /// After a LISTEN gap: notifications may have been missed, so every index reloads on its next search.
    public func changedAll() {
        for vectors in tasks.withLock({ Array($0.values) }) { vectors.note(nil) }
    }
}

/// The memory all task indexes may hold together; beyond it a search answers what to do instead.
final class VectorBudget: Sendable {
    let limitBytes: Int
    private let used = Mutex<[String: Int]>([:])

    init(limitBytes: Int) { self.limitBytes = limitBytes }

    func set(_ task: String, bytes: Int) { used.withLock { $0[task] = bytes } }

    /// Throws 503 when `task` holding `bytes` would take all tasks past the ceiling.
    func check(_ task: String, bytes: Int, vectors: Int, dimensions: Int) throws(Problem) {
        let others = used.withLock { $0.filter { $0.key != task }.values.reduce(0, +) }
        guard others + bytes > limitBytes else { return }
        let mib = { (b: Int) in (b + (1 << 20) - 1) >> 20 }
        throw Problem(status: 503, slug: "vector-memory", title: "Embedding search is beyond this server's memory ceiling",
                      detail: "task '\(task)' has at least \(vectors) examples with \(dimensions)-dimension embeddings, which need "
                          + "\(mib(bytes)) MiB in memory beside \(mib(others)) MiB for other tasks, past LOUPE_EMBEDDING_MEMORY_MB="
                          + "\(limitBytes >> 20): raise it, disable or erase old examples, or search by query text only "
                          + "(README: 'Few-shot retrieval: words and meaning', past one machine)")
    }
}
