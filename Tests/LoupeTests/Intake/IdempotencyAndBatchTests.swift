import LoupeDomain
import LoupeJSON
import Testing

@Suite struct IdempotencyAndBatchTests {
    @Test func twentyConcurrentIdenticalPostsMakeOneItem() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let item: JSONValue = ["task": "invoice", "external_id": "inv-42", "input": "x", "output": ["vendor": "A", "total": 1], "confidence": 0.5]
            let replies = try await withThrowingTaskGroup(of: TestReply.self) { group in
                for _ in 0..<20 { group.addTask { try await f.call(.post, "/v1/items", as: .ingest, json: item) } }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(replies.filter { $0.status == 201 }.count == 1)
            #expect(replies.filter { $0.status == 200 }.count == 19, "\(replies.map { "\($0.status) \($0.text.prefix(160))" })")
            #expect(Set(replies.compactMap { $0.json["id"]?.stringValue }).count == 1)
            #expect(replies.allSatisfy { $0.json["status"] == "pending" })
            let listed = try await f.call(.get, "/v1/items?task=invoice", as: .analyst)
            #expect(listed.json["items"]?.arrayValue?.count == 1)
        }
    }

    @Test func batchKeepsInputOrderAndReportsBadItemsInPlace() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let good: JSONValue = ["task": "invoice", "input": "a", "output": ["vendor": "A", "total": 1], "confidence": 0.9]
            let items: [JSONValue] = [
                good,
                ["task": "invoice", "input": "b", "output": ["vendor": "B", "total": 2], "confidence": 1.7],
                ["task": "nope", "input": "c", "output": [:], "confidence": 0.9],
                ["task": "invoice", "external_id": "dup", "input": "d", "output": ["vendor": "D"], "confidence": 0.99],
                ["task": "invoice", "external_id": "dup", "input": "d", "output": ["vendor": "D"], "confidence": 0.99],
                "not an object",
            ]
            let reply = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)])
            #expect(reply.status == 200)
            let results = reply.json["results"]?.arrayValue ?? []
            #expect(results.count == 6)
            #expect(results[0]["status"] == "approved")
            #expect(results[1]["error"]?["status"] == 422)
            #expect(results[1]["error"]?["detail"]?.stringValue?.contains("items[1].confidence") == true)
            #expect(results[2]["error"]?["detail"]?.stringValue?.contains("unknown task 'nope'") == true)
            #expect(results[3]["status"] == "pending")
            #expect(results[4]["id"] == results[3]["id"], "a repeated external_id in one batch is the same item")
            #expect(results[5]["error"]?["status"] == 422)
            let listed = try await f.call(.get, "/v1/items?task=invoice&limit=100", as: .analyst)
            #expect(listed.json["items"]?.arrayValue?.count == 2)
        }
    }

    /// Intake binds each item's documents as one binary `text[]` per column, NULL where absent: every document reads
    /// back as sent, escapes, non-ASCII text and exact numbers included, and absent ones stay absent.
    @Test func batchStoresEveryDocumentAsSent() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let texts: [JSONValue] = ["quote \" backslash \\ tab \t newline \n bell \u{07}", "Zürich 🎉 — 東京", "", .string(String(repeating: "x", count: 5000))]
            let items = (0..<8).map { i -> JSONValue in
                var item: JSONObject = ["task": "invoice", "input": ["text": texts[i % texts.count], "n": .int(i), "list": [1.5, "two", .null, [:]]],
                                        "output": ["vendor": texts[(i + 1) % texts.count], "total": 12345678901234567.25],
                                        "confidence": 0.5]
                if i % 2 == 0 { item["metadata"] = ["source": texts[i % texts.count], "page": .int(i)] }
                if i % 3 == 0 { item["field_confidence"] = ["/total": 0.25, "/vendor": 0.75] }
                return .object(item)
            }
            let reply = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)])
            let ids = (reply.json["results"]?.arrayValue ?? []).compactMap { $0["id"]?.stringValue }
            try #require(ids.count == items.count, "\(reply.text.prefix(400))")
            for (i, id) in ids.enumerated() {
                let stored = try await f.call(.get, "/v1/items/\(id)", as: .analyst).json
                #expect(stored["input"] == items[i]["input"], "item \(i)")
                #expect(stored["output"] == items[i]["output"], "item \(i)")
                #expect(stored["metadata"] == (items[i]["metadata"] ?? .null), "item \(i)")
                #expect(stored["field_confidence"] == (items[i]["field_confidence"] ?? .null), "item \(i)")
            }
        }
    }

    @Test func batchOfAThousandIsAcceptedAndMoreIsRefused() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let items = (0..<1000).map { i -> JSONValue in
                ["task": "invoice", "external_id": .string("e\(i)"), "input": .string("doc \(i)"),
                 "output": ["vendor": "V", "total": .int(i)], "confidence": .double(Double(i % 100) / 100)]
            }
            let reply = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)])
            let results = reply.json["results"]?.arrayValue ?? []
            #expect(results.count == 1000)
            #expect(results.filter { $0["status"] == "approved" }.count == 150)  // confidences 0.85…0.99, ten times
            let tooMany = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items + [items[0]])])
            #expect(tooMany.status == 422)
            #expect(tooMany.isProblem)
        }
    }

    @Test func keysetPaginationWalksEveryItemOnce() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let items = (0..<25).map { i -> JSONValue in
                ["task": "invoice", "input": .int(i), "output": ["vendor": "V", "total": 1], "confidence": i % 2 == 0 ? 0.9 : 0.1]
            }
            _ = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": .array(items)])
            var seen: [String] = []
            var cursor: String? = nil
            repeat {
                let page = try await f.call(.get, "/v1/items?task=invoice&limit=10" + (cursor.map { "&after=\($0)" } ?? ""), as: .analyst)
                seen += page.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
                cursor = page.json["next"]?.stringValue
            } while cursor != nil
            #expect(seen.count == 25)
            #expect(Set(seen).count == 25)
            #expect(seen == seen.sorted(), "ids are time-ordered UUIDv7s")
            let pending = try await f.call(.get, "/v1/items?status=pending&limit=100", as: .analyst)
            #expect(pending.json["items"]?.arrayValue?.count == 12)
            let desc = try await f.call(.get, "/v1/items?task=invoice&order=desc&limit=3", as: .analyst)
            #expect(desc.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } == Array(seen.reversed().prefix(3)))
        }
    }
}
