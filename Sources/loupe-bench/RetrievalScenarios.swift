import Foundation
import LoupeDomain
import LoupeJSON
import LoupeStore

/// Issue 18: few-shot retrieval quality on the labelled look-alike tickets (text, embedding, hybrid side by side,
/// with what BM25 and exact cosine scored on the same data), then search latency and index memory at scale.
struct RetrievalScenarios {
    let servers: BenchServers
    let setup: BenchSetup
    let examples: Int
    let dimensions: Int
    /// `Tests/Fixtures/retrieval/retrieval.json` of a checkout.
    let fixture: String

    func run(into report: Report) async throws {
        if FileManager.default.fileExists(atPath: fixture) { try await quality(into: report) } else {
            FileHandle.standardError.write(Data("  (no \(fixture): run from a checkout for retrieval quality)\n".utf8))
        }
        try await scale(into: report)
    }

    private func quality(into report: Report) async throws {
        let (loupe, key) = (setup.loupe, setup.admin)
        let data = try JSONParser.parse(String(decoding: try Data(contentsOf: URL(fileURLWithPath: fixture)), as: UTF8.self))
        func embedding(_ r: JSONValue) -> JSONValue {
            let scale = r["scale"]?.doubleValue ?? 0
            let bytes = Data(base64Encoded: r["embedding"]?.stringValue ?? "") ?? Data()
            return .array(bytes.map { .double(Double(Int8(bitPattern: $0)) / 127 * scale) })
        }
        let stored = data["examples"]?.arrayValue ?? [], queries = data["queries"]?.arrayValue ?? []
        _ = try await loupe.json(.PUT, "/v1/tasks/tickets", key: key, body: [
            "output_schema": ["type": "object"], "embedding_dimensions": data["dimensions"] ?? 384])
        let items: [JSONValue] = stored.map { ["task": "tickets", "input": $0["text"] ?? "", "output": [:], "confidence": 0.1,
                                                "embedding": embedding($0)] }
        _ = try await loupe.json(.POST, "/v1/items/batch", key: key, body: ["items": .array(items)])
        let intents = Dictionary(stored.map { ($0["text"]?.stringValue ?? "", $0["intent"] ?? .null) }, uniquingKeysWith: { a, _ in a })
        for _ in stored {
            let (_, claimed) = try await loupe.json(.POST, "/v1/review/claim", key: key)
            guard let id = claimed["id"]?.stringValue, let intent = intents[claimed["input"]?.stringValue ?? ""] else {
                throw BenchError("claim answered \(claimed)")
            }
            _ = try await loupe.json(.POST, "/v1/items/\(id)/decision", key: key, body: ["action": "correct", "output": ["intent": intent]])
        }
        for split in ["seen", "held_out"] {
            let chosen = queries.filter { $0["split"]?.stringValue == split }
            for mode in ["text", "embedding", "hybrid"] {
                var at1 = 0.0, at5 = 0.0
                for q in chosen {
                    var body: JSONObject = ["k": 5]
                    if mode != "embedding" { body["query"] = q["text"] }
                    if mode != "text" { body["embedding"] = embedding(q) }
                    let (_, reply) = try await loupe.json(.POST, "/v1/tasks/tickets/examples/search", key: key, body: .object(body))
                    let served = (reply["examples"]?.arrayValue ?? []).map { $0["output"]?["intent"] }
                    at1 += served.first == q["intent"] ? 1 : 0
                    at5 += Double(served.prefix(5).filter { $0 == q["intent"] }.count) / 5
                }
                let n = Double(max(1, chosen.count))
                report.row("few-shot precision@1 / @5, \(split) phrasings, \(mode)", at1 / n, unit: String(format: "/ %.3f", at5 / n),
                           limit: nil)
            }
            for peer in ["bm25", "cosine"] {
                let figures = data["reference"]?["\(peer)_\(split)"]
                report.row("few-shot precision@1 / @5, \(split) phrasings, \(peer) (fixture script)", figures?["p_at_1"]?.doubleValue ?? .nan,
                           unit: String(format: "/ %.3f", figures?["p_at_5"]?.doubleValue ?? .nan), limit: nil)
            }
        }
    }

    private func scale(into report: Report) async throws {
        let (loupe, key) = (setup.loupe, setup.admin)
        _ = try await loupe.json(.PUT, "/v1/tasks/semantic", key: key, body: ["output_schema": ["type": "object"]])
        try await servers.baseline.seedExamples(task: "semantic", count: examples)
        try await servers.baseline.seedEmbeddings(task: "semantic", dimensions: dimensions)
        var generator = SplitMix(seed: 7)
        func query() -> JSONValue { .array((0..<dimensions).map { _ in .double(generator.unit() - 0.5) }) }
        let rssBefore = servers.loupe.rssMiB
        let clock = ContinuousClock()
        let loadStart = clock.now
        let (status, _) = try await loupe.json(.POST, "/v1/tasks/semantic/examples/search", key: key, body: ["embedding": query(), "k": 5])
        guard status == 200 else { throw BenchError("embedding search answered \(status)") }
        let load = loadStart.duration(to: clock.now)
        report.row("embedding index load on first search, \(examples) examples × \(dimensions) dimensions",
                   Double(load.components.seconds) * 1000 + Double(load.components.attoseconds) / 1e15, unit: "ms", limit: nil)
        report.row("loupe serve RSS growth holding that index", servers.loupe.rssMiB - rssBefore, unit: "MiB", limit: nil)
        report.row("index memory computed for 100000 × 384 / × 1536 (int8 + id + scale)",
                   Double(VectorIndex.bytes(vectors: 100_000, dimensions: 384)) / 1_048_576,
                   unit: String(format: "/ %.0f MiB", Double(VectorIndex.bytes(vectors: 100_000, dimensions: 1536)) / 1_048_576), limit: nil)
        let texts = (0..<300).map { i in "Invoice from \(["ACME", "Globex", "Initech", "Hooli"][i % 4]) branch \(i * 7 % 1013), total \(i * 13 % 7919).00 EUR" }
        for mode in ["embedding", "hybrid", "text"] {
            var latencies: [Double] = []
            for (i, text) in texts.enumerated() {
                var body: JSONObject = ["k": 5]
                if mode != "text" { body["embedding"] = query() }
                if mode != "embedding" { body["query"] = .string(text) }
                let t0 = clock.now
                let (status, _) = try await loupe.json(.POST, "/v1/tasks/semantic/examples/search", key: key, body: .object(body))
                let d = t0.duration(to: clock.now)
                guard status == 200 else { throw BenchError("\(mode) search answered \(status)") }
                if i >= 20 { latencies.append(Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15) }
            }
            let result = LoadResult(operations: latencies.count, seconds: 1, latencies: latencies.sorted())
            report.row("few-shot \(mode) search p50, \(examples) examples × \(dimensions), k=5", result.percentile(0.5), unit: "ms", limit: nil)
            report.row("few-shot \(mode) search p99, \(examples) examples × \(dimensions), k=5", result.percentile(0.99), unit: "ms",
                       limit: 20, target: "< 20 ms")
        }
    }
}
