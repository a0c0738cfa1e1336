import Foundation
import LoupeJSON
import Testing

/// Intake writes no history row (migration 0038; one row per item since 0036, two before): the history API reads
/// `received` then `routed` from the item, with the details, actor and time intake's row held, ids that stay unique and
/// ordered among every other event, and details erased as a stored row's are.
@Suite struct IntakeHistoryTests {
    @Test func noStoredRowYetShownAsReceivedAndRouted() async throws {
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

            // The database holds no intake row: only the claim's.
            let stored = try await Psql.run(url: f.databaseURL, """
                SELECT string_agg(event, ',' ORDER BY id) FROM item_events WHERE item_id = ANY('{\((ids + [single]).joined(separator: ","))}'::uuid[])
                """).1.trimmingCharacters(in: .whitespacesAndNewlines)
            #expect(stored == "claimed", "\(stored)")

            var seen: [Int] = []
            for (n, id) in (ids + [single]).enumerated() {
                let events = try await f.call(.get, "/v1/items/\(id)/history", as: .analyst).json["events"]?.arrayValue ?? []
                let names = events.compactMap { $0["event"]?.stringValue }
                #expect(Array(names.prefix(2)) == ["received", "routed"], "\(names)")
                let eventIDs = events.compactMap { $0["id"]?.doubleValue.map { Int($0) } }
                #expect(eventIDs.count == events.count && eventIDs == eventIDs.sorted() && Set(eventIDs).count == eventIDs.count)
                #expect(eventIDs.count >= 2 && eventIDs[0] == eventIDs[1] - 1, "received sits just below routed: \(eventIDs)")
                #expect(events[0]["actor"] == events[1]["actor"] && events[0]["at"] == events[1]["at"])
                #expect(events[1]["actor"]?.stringValue?.hasPrefix("key:") == true && events[1]["actor_name"]?.stringValue != nil, "\(events[1])")
                #expect(events[0]["details"] == [:] && events[0]["duration_ms"] == .null)
                let status: JSONValue = n < 3 || n == 5 ? "pending" : "approved"
                #expect(events[1]["details"]?["status"] == status && events[1]["details"]?["reasons"]?.arrayValue != nil)
                seen += eventIDs
            }
            #expect(Set(seen).count == seen.count, "no two events share an id across items: \(seen)")

            // Erasure marks the details as it marks a stored row's, and keeps the reasons.
            let erased = try await f.submit("invoice", confidence: 0.1, externalID: "to-erase")
            let before = try await f.call(.get, "/v1/items/\(erased)/history", as: .analyst).json["events"]?.arrayValue ?? []
            #expect(before.count == 2 && before[1]["details"]?["erased"] == nil)
            #expect(try await f.call(.delete, "/v1/items?task=invoice&external_id=to-erase").status == 200)
            let after = try await f.call(.get, "/v1/items/\(erased)/history", as: .analyst).json["events"]?.arrayValue ?? []
            #expect(after.compactMap { $0["event"]?.stringValue } == ["received", "routed", "erased"], "\(after)")
            #expect(after.count == 3 && after[1]["details"]?["erased"] == true && after[1]["details"]?["reasons"] == before[1]["details"]?["reasons"])
        }
    }
}
