import CVectorDot
import Foundation

/// Exact cosine search over one task's example embeddings, in memory.
///
/// Each vector is L2-normalised and stored as int8 codes with one scale (max |v| / 127): a quarter of float32's
/// memory, and dot products the C compiler vectorises (CVectorDot). Quantisation moves a cosine by about 0.01,
/// far below the gaps between relevant and irrelevant examples.
public struct VectorIndex: Sendable {
    public let dimensions: Int
    /// Codes per vector: `dimensions` rounded up to a multiple of 16, so rows stay aligned for the kernel (padding is 0).
    let stride: Int
    private(set) var ids: [UUID] = []
    private var scales: [Float] = []
    private var codes: [Int8] = []
    private var slots: [UUID: Int] = [:]

    public init(dimensions: Int) {
        self.dimensions = dimensions
        self.stride = Self.stride(dimensions)
    }

    static func stride(_ dimensions: Int) -> Int { (dimensions + 15) / 16 * 16 }

    public var count: Int { ids.count }

    /// Bytes the index holds: codes, scale, id and its slot in the id table per vector.
    public var bytes: Int { Self.bytes(vectors: count, dimensions: dimensions) }

    public static func bytes(vectors: Int, dimensions: Int) -> Int {
        vectors * (stride(dimensions) + 4 + 16 + 48)
    }

    /// Adds or replaces one vector; one of another length is ignored (the task's dimensions changed since).
    public mutating func upsert(_ id: UUID, _ embedding: Embedding) {
        guard embedding.values.count == dimensions else { remove(id); return }
        let (row, scale) = Self.quantise(embedding.values, stride: stride)
        if let slot = slots[id] {
            codes.replaceSubrange(slot * stride..<(slot + 1) * stride, with: row)
            scales[slot] = scale
        } else {
            slots[id] = ids.count
            ids.append(id)
            scales.append(scale)
            codes.append(contentsOf: row)
        }
    }

    public mutating func remove(_ id: UUID) {
        guard let slot = slots.removeValue(forKey: id) else { return }
        let last = ids.count - 1
        if slot != last {
            ids[slot] = ids[last]
            scales[slot] = scales[last]
            codes.withUnsafeMutableBufferPointer { c in
                for j in 0..<stride { c[slot * stride + j] = c[last * stride + j] }
            }
            slots[ids[slot]] = slot
        }
        ids.removeLast()
        scales.removeLast()
        codes.removeLast(stride)
    }

    /// The `limit` vectors with the highest cosine to `query`, highest first.
    public func nearest(_ query: Embedding, limit: Int) -> [(id: UUID, cosine: Double)] {
        guard query.values.count == dimensions, limit > 0, !ids.isEmpty else { return [] }
        let (q, queryScale) = Self.quantise(query.values, stride: stride)
        var scores = [Float](repeating: 0, count: ids.count)
        codes.withUnsafeBufferPointer { all in
            scales.withUnsafeBufferPointer { scale in
                q.withUnsafeBufferPointer { query in
                    scores.withUnsafeMutableBufferPointer { out in
                        loupe_int8_scores(all.baseAddress, scale.baseAddress, ids.count, stride, query.baseAddress, out.baseAddress)
                    }
                }
            }
        }
        var best = TopScores(limit: limit)
        for (row, score) in scores.enumerated() { best.offer(score, row) }
        return best.sorted.map { (ids[$0.row], Double($0.score * queryScale)) }
    }

    /// The cosine of each of `ids` the index holds.
    public func cosines(_ query: Embedding, ids: some Sequence<UUID>) -> [UUID: Double] {
        guard query.values.count == dimensions else { return [:] }
        let (q, queryScale) = Self.quantise(query.values, stride: stride)
        var result: [UUID: Double] = [:]
        codes.withUnsafeBufferPointer { all in
            scales.withUnsafeBufferPointer { scale in
                q.withUnsafeBufferPointer { query in
                    for id in ids {
                        guard let slot = slots[id] else { continue }
                        var score: Float = 0
                        loupe_int8_scores(all.baseAddress! + slot * stride, scale.baseAddress! + slot, 1, stride, query.baseAddress, &score)
                        result[id] = Double(score * queryScale)
                    }
                }
            }
        }
        return result
    }

    /// Normalised int8 codes (padded to `stride`) and the scale that turns a code back into a value.
    static func quantise(_ values: [Float], stride: Int) -> (codes: [Int8], scale: Float) {
        var norm: Float = 0
        for v in values { norm += v * v }
        norm = norm.squareRoot()
        var largest: Float = 0
        for v in values { largest = max(largest, abs(v)) }
        var codes = [Int8](repeating: 0, count: stride)
        guard norm > 0, largest > 0 else { return (codes, 0) }
        let factor = 127 / largest
        for (i, v) in values.enumerated() { codes[i] = Int8((v * factor).rounded()) }
        return (codes, largest / norm / 127)
    }
}

/// The highest `limit` scores seen, kept in a min-heap so each offer costs O(log limit).
struct TopScores {
    let limit: Int
    private var heap: [(score: Float, row: Int)] = []

    init(limit: Int) {
        self.limit = limit
        heap.reserveCapacity(limit)
    }

    mutating func offer(_ score: Float, _ row: Int) {
        if heap.count < limit {
            heap.append((score, row))
            var i = heap.count - 1
            while i > 0, heap[(i - 1) / 2].score > heap[i].score {
                heap.swapAt(i, (i - 1) / 2)
                i = (i - 1) / 2
            }
        } else if score > heap[0].score {
            heap[0] = (score, row)
            var i = 0
            while true {
                let l = 2 * i + 1, r = l + 1
                var smallest = i
                if l < heap.count, heap[l].score < heap[smallest].score { smallest = l }
                if r < heap.count, heap[r].score < heap[smallest].score { smallest = r }
                if smallest == i { break }
                heap.swapAt(i, smallest)
                i = smallest
            }
        }
    }

    var sorted: [(score: Float, row: Int)] { heap.sorted { $0.score > $1.score } }
}
