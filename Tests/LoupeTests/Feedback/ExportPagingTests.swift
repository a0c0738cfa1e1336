import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Exports read pages on two connections from spans planned ahead; items decided after the plan still come out once
/// each, in id order, even when they overfill a span already planned.
@Suite struct ExportPagingTests {
    @Test func itemsDecidedDuringAnExportComeOutOnceInOrderThoughTheyOverfillAPlannedSpan() async throws {
        try await withLoupe { f in
            try await f.defineTask("paged", ["output_schema": ["type": "object"]])
            // Ids follow arrival (UUIDv7 by millisecond). Items 30–79 wait (priority 0); the rest are decided first.
            var ids: [String] = []
            for i in 0..<90 {
                ids.append(try await f.submit("paged", confidence: 0.1, priority: (30..<80).contains(i) ? 0 : 1))
                f.clock.advance(0.002)
            }
            #expect(ids == ids.sorted(), "ids follow arrival")
            for _ in 0..<40 { try await f.decideNext("approve") }

            var pages: [[String]] = []
            // About 400-byte lines: the first page takes 4 rows, later ones about 5 (at most 20 once planned), so items
            // 30–79, decided while the first page is written, fall inside one span planned (over decided items) before.
            try await f.store.export.stream(ExportFilter(task: "paged"), format: .jsonl, instructions: "", pageBytes: 2048) { lines, rows in
                let page = String(decoding: lines, as: UTF8.self).split(separator: "\n").map {
                    (try? JSONParser.parse(String($0)))?["item_id"]?.stringValue ?? "?"
                }
                #expect(page.count == rows)
                pages.append(page)
                if pages.count == 1 { for _ in 0..<50 { try await f.decideNext("approve") } }
            }
            let exported = pages.flatMap { $0 }
            #expect(pages.count > 5, "\(pages.map(\.count))")
            #expect(pages.allSatisfy { $0.count <= 20 }, "no page holds more than its cap: \(pages.map(\.count))")
            #expect(pages.contains { $0.count == 20 }, "a span filled its cap and was read on: \(pages.map(\.count))")
            #expect(exported == ids, "every item once, in id order: \(pages.map(\.count))")
        }
    }
}
