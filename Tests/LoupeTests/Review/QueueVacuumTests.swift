import LoupeJSON
import Testing

/// Migration 0043: a VACUUM of `items` also vacuums its indexes. PostgreSQL's default skips that pass when fewer than
/// 2% of the table's pages hold dead rows, which left every claimed item's entry at the head of `items_queue_task` for
/// the next claim to step over (85 leaf pages of them at 10 million items in the soak).
@Suite struct QueueVacuumTests {
    @Test func vacuumingItemsAfterAClaimVacuumsTheQueueIndexToo() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            // Enough pages that one decided item's dead rows are far under 2% of them (≈ 400 pages of 1 KB inputs).
            let text = String(repeating: "Invoice INV-2026-0042 from ACME Corp., Rue du Lac 12, Geneva. Net 30 days. ", count: 14)
            let item: JSONValue = ["task": "invoice", "input": ["text": .string(text)], "confidence": 0.2,
                                   "output": ["vendor": "ACME Corp.", "total": 1240.5]]
            for _ in 0..<2 {
                let batch = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(Array(repeating: item, count: 1000))])
                #expect(batch.status == 200)
            }
            let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer, json: ["task": "invoice"])
            let id = try #require(claimed.json["id"]?.stringValue)
            #expect(try await f.call(.post, "/v1/items/\(id)/decision", as: .reviewer, json: ["action": "approve"]).status == 200)

            let (status, _, info) = try await Psql.run(url: f.databaseURL, "VACUUM (VERBOSE) items")
            #expect(status == 0)
            // "index scans: 0" with "index scan bypassed: N pages from table (0.x% of total) have M dead item identifiers"
            // before 0043.
            #expect(info.contains("public.items\": index scans: 1"), "\(info)")
        }
    }
}
