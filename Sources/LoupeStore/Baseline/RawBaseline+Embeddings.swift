import Foundation
import LoupeDomain
import PostgresNIO

extension RawBaseline {
    /// Gives every example of `task` a pseudo-random unit embedding (deterministic per position), 2,000 rows per
    /// statement, as intake would have stored them; the task declares `dimensions`.
    public func seedEmbeddings(task: String, dimensions: Int) async throws {
        try await client.query("UPDATE tasks SET embedding_dimensions = \(dimensions) WHERE name = \(task)", logger: logger)
        var after: UUID?
        var generator = SplitMix(seed: 18)
        while true {
            var ids: [UUID] = []
            for try await id in try await client.query("""
                SELECT id FROM examples WHERE task = \(task) AND (\(after)::uuid IS NULL OR id > \(after)) ORDER BY id LIMIT 2000
                """, logger: logger).decode(UUID.self) { ids.append(id) }
            guard let last = ids.last else { break }
            let vectors = ids.map { _ in
                let values = (0..<dimensions).map { _ in Float(generator.unit() - 0.5) }
                return Data(Embedding(values).bytes).base64EncodedString()
            }
            try await client.query("""
                UPDATE examples e SET embedding = decode(v.embedding, 'base64')
                FROM unnest(\(ids)::uuid[], \(vectors)::text[]) AS v(id, embedding) WHERE e.id = v.id
                """, logger: logger)
            after = last
        }
    }
}

/// A small deterministic generator (SplitMix64), so every bench run searches the same vectors.
public struct SplitMix: Sendable {
    private var state: UInt64
    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
