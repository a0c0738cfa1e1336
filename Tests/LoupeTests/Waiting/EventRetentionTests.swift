import Foundation
import LoupeJSON
import Testing

/// The retention purge deletes events past the retention, oldest first and `limit` at a time, and keeps the rest; it
/// walks the primary key, so intake writes no index entry on `at` for it (migration 0037).
@Suite struct EventRetentionTests {
    @Test func purgesOldEventsInPassesOfLimitAndKeepsYoungOnes() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", DecisionTests.task)
            var ids: [String] = []
            for _ in 0..<8 { ids.append(try await f.submit("invoice", confidence: 0.1)) }
            let old = ids.prefix(5).map { "'\($0)'" }.joined(separator: ",")
            let aged = try await Psql.run(url: f.databaseURL,
                                          "UPDATE events SET at = now() - interval '100 hours' WHERE item_id IN (\(old))")
            #expect(aged.1.contains("UPDATE 5"), "\(aged)")

            let cut = Date().addingTimeInterval(-72 * 3600)
            var passes: [Int] = []
            repeat { passes.append(try await f.store.events.purge(before: cut, limit: 2)) } while passes.last == 2
            #expect(passes == [2, 2, 1])
            #expect(try await f.store.events.purge(before: cut, limit: 2) == 0)

            let kept = try await Psql.run(url: f.databaseURL, "SELECT string_agg(item_id::text, ',' ORDER BY id) FROM events").1
            #expect(kept.trimmingCharacters(in: .whitespacesAndNewlines) == ids.suffix(3).joined(separator: ","))
            #expect(try await Psql.integer(url: f.databaseURL, "SELECT count(*) FROM pg_indexes WHERE tablename = 'events'") == 2,
                    "the primary key and events_order: no index on `at` for intake to write")
        }
    }
}
