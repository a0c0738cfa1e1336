import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 12, point 5: agreement among reviewers, checked against Krippendorff's own worked example (Krippendorff 2011,
/// "Computing Krippendorff's Alpha-Reliability": 4 observers, 12 units, missing values; nominal alpha 0.743).
@Suite struct AgreementTests {
    static let observers: [[Int?]] = [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, nil, nil, nil],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, nil, 3],
        [nil, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, nil],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, nil],
    ]

    @Test func alphaMatchesKrippendorffsWorkedExample() async throws {
        try await withLoupe { f in
            try await f.defineTask("k", ["output_schema": ["type": "object", "properties": ["v": ["type": "integer"], "note": ["type": "string"]]],
                                         "reviews_required": 4])
            var values: [String] = []
            for unit in 0..<12 {
                let id = try await f.submit("k", input: .string("unit \(unit)"), output: ["v": 0], confidence: 0.1)
                for (o, observer) in Self.observers.enumerated() {
                    guard let value = observer[unit] else { continue }
                    // Written differently on purpose: equal values must count as equal (2 and 2.0).
                    let written = o == 3 ? "\(value).0" : "\(value)"
                    values.append("('\(id)', 'observer-\(o)', 'correct', '{\"v\": \(written), \"note\": \"x\"}', now())")
                }
            }
            let inserted = try await Psql.run(url: f.databaseURL, "INSERT INTO item_reviews (item_id, reviewer, action, output, at) VALUES " + values.joined(separator: ", "))
            #expect(inserted.0 == 0, "\(inserted)")

            let agreement = try await f.call(.get, "/v1/tasks/k/agreement", as: .analyst).json
            #expect(agreement["items"] == 11, "the unit with one value has nothing to agree with")
            let alpha = agreement["overall"]?["alpha"]?.doubleValue ?? 0
            #expect(abs(alpha - 0.7434) < 0.0005, "Krippendorff's nominal alpha for this data is 0.743: \(agreement)")
            #expect(agreement["overall"]?["percent"]?.doubleValue.map { abs($0 - 0.8) < 0.0005 } == true)
            let fields = agreement["fields"]?.arrayValue ?? []
            let v = fields.first { $0["pointer"] == "/v" }, note = fields.first { $0["pointer"] == "/note" }
            #expect(v?["alpha"] == agreement["overall"]?["alpha"], "the only varying field carries all the disagreement")
            #expect(note?["alpha"] == .null && note?["percent"] == 1, "no variation: alpha undefined, full agreement")
            #expect(try await f.call(.get, "/v1/tasks/k/agreement", as: .reviewer).status == 403)
            let lead = try await f.store.keys.create(name: "lead", role: .lead, now: f.clock.now()).key
            #expect(try await f.call(.get, "/v1/tasks/k/agreement", as: .analyst, key: lead).status == 200, "leads see agreement")
        }
    }
}
