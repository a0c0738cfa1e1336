import Foundation
import LoupeJSON

/// The labelled look-alike support tickets of `Tests/Fixtures/retrieval` (made by its `make_fixture.py`): stored
/// examples, queries in a seen and a held-out phrasing split, all-MiniLM-L6-v2 embeddings, and what BM25 and exact
/// cosine scored on the same data.
struct RetrievalDataset: Sendable {
    struct Record: Sendable {
        let text: String
        let intent: String
        let split: String?
        let embedding: [Double]
    }

    let examples: [Record]
    let queries: [Record]
    let dimensions: Int
    /// "bm25_held_out" → (p@1, p@5), as the fixture script measured them.
    let reference: [String: (at1: Double, at5: Double)]

    static let shared: RetrievalDataset = {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Fixtures/retrieval/retrieval.json")
        let json = try! JSONParser.parse(String(decoding: try! Data(contentsOf: url), as: UTF8.self))
        func records(_ key: String) -> [Record] {
            (json[key]?.arrayValue ?? []).map { r in
                let scale = r["scale"]?.doubleValue ?? 0
                let bytes = Data(base64Encoded: r["embedding"]?.stringValue ?? "") ?? Data()
                return Record(text: r["text"]?.stringValue ?? "", intent: r["intent"]?.stringValue ?? "",
                              split: r["split"]?.stringValue,
                              embedding: bytes.map { Double(Int8(bitPattern: $0)) / 127 * scale })
            }
        }
        var reference: [String: (Double, Double)] = [:]
        for (name, figures) in json["reference"]?.objectValue ?? [:] {
            reference[name] = (figures["p_at_1"]?.doubleValue ?? 0, figures["p_at_5"]?.doubleValue ?? 0)
        }
        return RetrievalDataset(examples: records("examples"), queries: records("queries"),
                                dimensions: Int(json["dimensions"]?.doubleValue ?? 0), reference: reference)
    }()

    func queries(split: String) -> [Record] { queries.filter { $0.split == split } }
}

/// Precision at 1 and at 5 over queries, given each query's top intents.
struct Precision: CustomStringConvertible {
    private(set) var at1 = 0.0
    private(set) var at5 = 0.0
    private var n = 0

    mutating func add(expected: String, served: [String]) {
        n += 1
        at1 += served.first == expected ? 1 : 0
        at5 += Double(served.prefix(5).filter { $0 == expected }.count) / 5
    }

    var p1: Double { n == 0 ? 0 : at1 / Double(n) }
    var p5: Double { n == 0 ? 0 : at5 / Double(n) }
    var description: String { String(format: "p@1 %.3f p@5 %.3f (n=%d)", p1, p5, n) }
}
