import Foundation

/// Few-shot search by text, by meaning (the caller's embedding), or both.
///
/// Both: each candidate scores `cosine + textWeight × coverage²`, where coverage is the share of the query's word
/// weight (inverse document frequency) the example holds. Squared, a partial match (a shared product name or order
/// number) moves a ranking little, and an example that says nearly what the query says moves it a lot. When no
/// candidate covers `textEvidence` of the query, the query is worded unlike any example and its words are no
/// evidence: the embedding ranks alone. Reciprocal rank fusion was measured first and lost: on paraphrases the text
/// ranking is close to noise, and RRF gives it as many votes as the embedding (README, "Few-shot retrieval").
public struct ExampleSearch: Sendable {
    public static let textWeight = 0.5
    /// On the look-alike tickets, the best coverage was ≥ 0.44 for every query in a seen phrasing, ≤ 0.34 for every
    /// held-out one.
    public static let textEvidence = 0.4
    let examples: any ExampleRepository
    let vectors: ExampleVectors

    public init(examples: any ExampleRepository, vectors: ExampleVectors) {
        self.examples = examples
        self.vectors = vectors
    }

    /// One served example and what ranked it.
    public struct Hit: Sendable {
        public let example: Example
        /// The ranking score: coverage (text only), cosine (embedding only) or their combination (both).
        public let score: Double
        public let cosine: Double?
    }

    /// Up to `k` hits, best first, near-duplicates last, within `maxChars`; `embedding` must suit the task.
    public func search(task: TaskDefinition, query: String?, embedding: Embedding?, k: Int, maxChars: Int?) async throws -> [Hit] {
        let depth = max(20, k * 4)
        var hits: [Hit]
        switch (query, embedding) {
        case (let query?, nil):
            hits = try await examples.nearest(task: task.name, query: query, limit: depth, atLeast: k, also: [])
                .map { Hit(example: $0, score: $0.textCoverage ?? 0, cosine: nil) }
        case (nil, let embedding?):
            let dimensions = try dimensions(of: task, embedding)
            let near = try await vectors.nearest(task: task.name, query: embedding, dimensions: dimensions, limit: depth, source: examples)
            let rows = Dictionary(try await examples.get(ids: near.map(\.id)).map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            hits = near.compactMap { n in rows[n.id].map { Hit(example: $0, score: n.cosine, cosine: n.cosine) } }
        case (let query?, let embedding?):
            // Meaning (in memory) and words (in PostgreSQL) at once; then each side scores what only the other found.
            let dimensions = try dimensions(of: task, embedding)
            async let nearby = vectors.nearest(task: task.name, query: embedding, dimensions: dimensions, limit: max(50, k * 10),
                                               source: examples)
            async let worded = examples.nearest(task: task.name, query: query, limit: depth, atLeast: k, also: [])
            let (near, text) = try await (nearby, worded)
            var cosines = Dictionary(near.map { ($0.id, $0.cosine) }, uniquingKeysWith: { a, _ in a })
            let found = Set(text.map(\.id))
            let unworded = near.map(\.id).filter { !found.contains($0) }
            let rows = unworded.isEmpty ? text
                : text + (try await examples.nearest(task: task.name, query: query, limit: 0, atLeast: 0, also: unworded))
            let unscored = text.map(\.id).filter { cosines[$0] == nil }
            if !unscored.isEmpty {
                cosines.merge(try await vectors.cosines(task: task.name, query: embedding, dimensions: dimensions, ids: unscored,
                                                        source: examples), uniquingKeysWith: { a, _ in a })
            }
            let weight = (rows.compactMap(\.textCoverage).max() ?? 0) >= Self.textEvidence ? Self.textWeight : 0
            hits = rows.map { row in
                let coverage = row.textCoverage ?? 0
                return Hit(example: row, score: (cosines[row.id] ?? 0) + weight * coverage * coverage, cosine: cosines[row.id])
            }
            hits.sort { $0.score > $1.score }
        case (nil, nil):
            hits = try await examples.recent(task: task.name, limit: k).map { Hit(example: $0, score: 0, cosine: nil) }
            return Self.keep(FewShotSelection.trim(hits.map(\.example), maxChars: maxChars), of: hits)
        }
        return Self.keep(FewShotSelection.select(hits.map(\.example), k: k, maxChars: maxChars), of: hits)
    }

    private func dimensions(of task: TaskDefinition, _ embedding: Embedding) throws(Problem) -> Int {
        try embedding.check(for: task)
        return embedding.values.count
    }

    /// The hits of the chosen examples, in the chosen order.
    private static func keep(_ chosen: [Example], of hits: [Hit]) -> [Hit] {
        let byID = Dictionary(hits.map { ($0.example.id, $0) }, uniquingKeysWith: { a, _ in a })
        return chosen.compactMap { byID[$0.id] }
    }
}
