import Foundation
import LoupeJSON
import Testing

/// Intake writes one history row per item (migration 0036) and the history API still shows it as `received` then
/// `routed`, with ids that stay unique and ordered among every other event.
@Suite struct IntakeHistoryTests {
    @Test func oneStoredRowPerItemShownAsReceivedAndRouted() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", DecisionTests.task)
            let items: [JSONValue] = (0..<5).map { n in
                ["task": "invoice", "input": .string("invoice \(n)"), "output": ["vendor": "V", "total": .int(n)],
                 "confidence": n < 3 ? 0.2 : 0.95]
            }
            let batch = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)])
            let ids = batch.json["results"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            #expect(ids.count == 5, "\(batch.text)")
            let single = try await f.submit("invoice", confidence: 0.1)
            _ = try await f.call(.post, "/v1/review/claim", as: .reviewer)

            // The database holds one intake row per item where it used to hold two.
            let stored = try await Psql.run(url: f.databaseURL, """
                SELECT string_agg(event, ',' ORDER BY id) FROM item_events WHERE item_id = ANY('{\((ids + [single]).joined(separator: ","))}'::uuid[])
                GROUP BY item_id ORDER BY min(id)
                """).1.split(separator: "\n").map(String.init)
            #expect(stored.count == 6 && stored.filter { $0 == "intake" }.count == 5 && stored.contains("intake,claimed"), "\(stored)")

            var seen: [Int] = []
            for (n, id) in (ids + [single]).enumerated() {
                let events = try await f.call(.get, "/v1/items/\(id)/history", as: .analyst).json["events"]?.arrayValue ?? []
                let names = events.compactMap { $0["event"]?.stringValue }
                #expect(Array(names.prefix(2)) == ["received", "routed"], "\(names)")
                let eventIDs = events.compactMap { $0["id"]?.doubleValue.map { Int($0) } }
                #expect(eventIDs.count == events.count && eventIDs == eventIDs.sorted() && Set(eventIDs).count == eventIDs.count)
                #expect(eventIDs.count >= 2 && eventIDs[0] == eventIDs[1] - 1, "received sits just below routed: \(eventIDs)")
                #expect(events[0]["actor"] == events[1]["actor"] && events[0]["at"] == events[1]["at"])
                #expect(events[0]["details"] == [:] && events[0]["duration_ms"] == .null)
                let status: JSONValue = n < 3 || n == 5 ? "pending" : "approved"
                #expect(events[1]["details"]?["status"] == status && events[1]["details"]?["reasons"]?.arrayValue != nil)
                seen += eventIDs
            }
            #expect(Set(seen).count == seen.count, "no two events share an id across items: \(seen)")
        }
    }
}
