import Foundation
import LoupeJSON
import Testing

/// Issue 14, per-field analytics: `GET /v1/tasks/{name}/fields` on hand-checkable data.
@Suite struct FieldAnalyticsTests {
    static let schema: JSONValue = ["type": "object", "properties": [
        "vendor": ["type": "string"], "total": ["type": "number"],
        "lines": ["type": "array", "items": ["type": "object", "properties": ["sku": ["type": "string"], "qty": ["type": "integer"]]]],
    ]]

    @Test func twentyOfSixtyCorrectedAtTotalShowsThereWithItsIntervalAndBands() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": Self.schema])
            let items: [JSONValue] = (0..<60).map { i in
                ["task": "invoice", "input": .string("item \(i)"), "confidence": 0.5, "prompt_version": i < 50 ? "v1" : "v2",
                 "output": ["vendor": "V", "total": .int(i), "lines": [["sku": "a", "qty": 1]]],
                 "field_confidence": ["/total": i < 30 ? 0.95 : 0.35]]
            }
            #expect(try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)]).status == 200)
            for _ in 0..<60 {
                let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer).json
                let id = claimed["id"]?.stringValue ?? ""
                let i = Int((claimed["input"]?.stringValue ?? "").dropFirst(5)) ?? -1
                var output = claimed["output"] ?? .null
                var body: JSONObject = ["action": "approve"]
                if i % 3 == 0 {
                    output = ["vendor": "V", "total": .int(i + 1000), "lines": [["sku": "a", "qty": 1]]]
                    body = ["action": "correct", "output": output]
                } else if i == 1 || i == 2 {
                    body = ["action": "correct", "output": ["vendor": "V", "total": .int(i), "lines": [["sku": "a", "qty": 5]]]]
                }
                #expect(try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: .object(body)).status == 200)
            }
            let reply = try await f.call(.get, "/v1/tasks/invoice/fields", as: .analyst)
            #expect(reply.status == 200, "\(reply.text)")
            let fields = Dictionary((reply.json["fields"]?.arrayValue ?? []).map { ($0["pointer"]?.stringValue ?? "", $0) },
                                    uniquingKeysWith: { a, _ in a })
            #expect(Set(fields.keys) == ["/vendor", "/total", "/lines/*/sku", "/lines/*/qty"])
            let total = try #require(fields["/total"])
            #expect(total["reviewed"] == 60 && total["corrected"] == 20)
            #expect(abs((total["correction_rate"]?.doubleValue ?? 0) - 1.0 / 3) < 0.0001)
            let ci = total["ci"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(ci.count == 2 && abs(ci[0] - 0.2273) < 0.001 && abs(ci[1] - 0.4594) < 0.001, "Wilson 95% for 20/60: \(ci)")
            // Bands of the field's own confidence: 0.95 for items 0–29, 0.35 for 30–59; ten corrections in each.
            #expect(total["bands"] == [["from": 0.3, "to": 0.4, "items": 30, "n": 30, "corrected": 10],
                                       ["from": 0.9, "to": 1.0, "items": 30, "n": 30, "corrected": 10]])
            #expect(fields["/lines/*/qty"]?["corrected"] == 2 && fields["/lines/*/sku"]?["corrected"] == 0)
            let vendor = try #require(fields["/vendor"])
            #expect(vendor["corrected"] == 0 && vendor["bands"]?[0]?["from"] == 0.5, "no field confidence: the item's")
            #expect(vendor["suggested_threshold"] == .null && (vendor["why"]?.stringValue ?? "").contains("upper bound"),
                    "0 of 60 still leaves a 95% upper bound of 6%, above 2%")
            #expect(total["suggested_threshold"] == .null)

            let v2 = try await f.call(.get, "/v1/tasks/invoice/fields?prompt_version=v2", as: .analyst).json
            let v2Total = v2["fields"]?.arrayValue?.first { $0["pointer"] == "/total" }
            #expect(v2Total?["reviewed"] == 10 && v2Total?["corrected"] == 3, "items 51, 54, 57")
            // A looser target with enough evidence suggests a threshold for the field nobody corrects.
            let loose = try await f.call(.get, "/v1/tasks/invoice/fields?target_error=0.1", as: .analyst).json
            #expect(loose["fields"]?.arrayValue?.first { $0["pointer"] == "/vendor" }?["suggested_threshold"] == 0)
            for bad in ["days=0", "target_error=2", "model="] {
                let refused = try await f.call(.get, "/v1/tasks/invoice/fields?\(bad)", as: .analyst)
                #expect(refused.status == 422 && refused.isProblem, "\(bad)")
            }
            #expect(try await f.call(.get, "/v1/tasks/invoice/fields", as: .reviewer).status == 403)
            #expect(try await f.call(.get, "/v1/tasks/nope/fields", as: .analyst).status == 404)
        }
    }
}
