import Foundation
import LoupeJSON
import Testing

/// Issue 14, what-if: candidate thresholds replayed over recent items, on hand-checkable data.
@Suite struct WhatIfTests {
    @Test func aLowerThresholdShowsWhatItWouldHaveApprovedAndTheErrorsItLetThrough() async throws {
        try await withLoupe(liveClock: true) { f in
            let schema: JSONValue = ["type": "object", "required": ["total"], "properties": ["total": ["type": "number"]]]
            // Every auto-approval is audited, so each verdict weighs 1 and the numbers can be checked by hand.
            try await f.defineTask("invoice", ["output_schema": schema, "threshold": 0.85, "audit_rate": 1])
            var items: [JSONValue] = []
            for i in 0..<10 { items.append(["task": "invoice", "input": .string("hi-\(i)"), "output": ["total": 1], "confidence": 0.9]) }
            for i in 0..<10 { items.append(["task": "invoice", "input": .string("mid-\(i)"), "output": ["total": 1], "confidence": 0.8]) }
            for i in 0..<5 { items.append(["task": "invoice", "input": .string("low-\(i)"), "output": ["total": 1], "confidence": 0.6]) }
            #expect(try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)]).status == 200)
            // People: 2 of the 10 audited approvals wrong, 3 of the 10 at 0.8, all 5 at 0.6; then 2 schema-invalid items wait.
            let wrong: Set<String> = ["hi-0", "hi-1", "mid-0", "mid-1", "mid-2", "low-0", "low-1", "low-2", "low-3", "low-4"]
            for _ in 0..<25 {
                let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer, json: ["task": "invoice"]).json
                let input = claimed["input"]?.stringValue ?? ""
                let id = claimed["id"]?.stringValue ?? ""
                let body: JSONValue = wrong.contains(input) ? ["action": "correct", "output": ["total": 2]] : ["action": "approve"]
                #expect(try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: body).status == 200)
            }

            let invalid: [JSONValue] = (0..<2).map { ["task": "invoice", "input": .string("bad-\($0)"), "output": ["total": "x"], "confidence": 0.95] }
            #expect(try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(invalid)]).status == 200)

            let lower = try await f.call(.post, "/v1/tasks/invoice/what-if", as: .analyst, json: ["threshold": 0.75, "days": 7])
            #expect(lower.status == 200, "\(lower.text)")
            let o = lower.json
            #expect(o["items"] == 27 && o["auto_then"] == 10 && o["auto_now"] == 20, "schema-invalid items never auto-approve: \(o)")
            #expect(o["newly_auto"] == 10 && o["newly_queued"] == 0 && o["known_errors_let_through"] == 3)
            #expect(o["expected_errors"]?["estimate"] == 5 && o["expected_errors"]?["error_rate"] == 0.25 && o["expected_errors"]?["n"] == 20, "\(o)")
            let ci = o["expected_errors"]?["ci"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(ci.count == 2 && ci[0] < 5 && ci[1] > 5)

            let higher = try await f.call(.post, "/v1/tasks/invoice/what-if", as: .analyst, json: ["threshold": 0.95]).json
            #expect(higher["auto_now"] == 0 && higher["newly_queued"] == 10 && higher["expected_errors"] == .null)
            let byField = try await f.call(.post, "/v1/tasks/invoice/what-if", as: .analyst,
                                           json: ["threshold": 0.75, "field_thresholds": ["/total": 0.85]]).json
            #expect(byField["auto_now"] == 10, "a field threshold holds back items whose (item) confidence is below it")
            let same = try await f.call(.post, "/v1/tasks/invoice/what-if", as: .analyst, json: [:]).json
            #expect(same["auto_now"] == 10 && same["newly_auto"] == 0 && same["threshold"] == 0.85, "no candidate: the task's own")
            for bad: JSONValue in [["threshold": 2], ["days": 0], ["field_thresholds": ["total": 0.5]], ["nope": 1]] {
                let refused = try await f.call(.post, "/v1/tasks/invoice/what-if", as: .analyst, json: bad)
                #expect(refused.status == 422 && refused.isProblem, "\(bad)")
            }
            #expect(try await f.call(.post, "/v1/tasks/invoice/what-if", as: .reviewer, json: [:]).status == 403)
        }
    }
}
