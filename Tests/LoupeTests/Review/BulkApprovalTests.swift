import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 15, point 4: bulk approval with a preview that freezes ids, a confirmed count, and undo within 60 s.
@Suite struct BulkApprovalTests {
    func post(_ f: LoupeFixture, _ input: String, output: JSONValue = ["vendor": "ACME", "total": 10], confidence: Double = 0.7,
              prompt: String = "v1", priority: Int = 0) async throws -> String {
        let reply = try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "invoice", "input": .string(input), "output": output,
                                                                            "confidence": .double(confidence), "prompt_version": .string(prompt),
                                                                            "priority": .int(priority)])
        #expect(reply.status == 201 && reply.json["status"] == "pending", "\(reply.text)")
        return reply.json["id"]?.stringValue ?? ""
    }

    func status(_ f: LoupeFixture, _ id: String) async throws -> String {
        try await f.call(.get, "/v1/items/\(id)").json["status"]?.stringValue ?? ""
    }

    @Test func approvesExactlyThePreviewedItemsStillWaitingAndUndoReturnsThem() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            var same: [String] = []
            // The first comes first in the queue (the fixture's clock gives every id the same millisecond, so id order is random).
            for i in 0..<5 { same.append(try await post(f, "Invoice \(i) from ACME 100% paid", priority: i == 0 ? 1 : 0)) }
            let invalid = try await post(f, "Invoice from ACME 100% paid", output: ["vendor": "ACME", "total": "ten"])
            let otherPrompt = try await post(f, "Invoice from ACME 100% paid", prompt: "v2")
            let unsure = try await post(f, "Invoice from ACME 100% paid", confidence: 0.3)
            let otherWords = try await post(f, "Invoice from Globex")

            let filter: JSONValue = ["task": "invoice", "prompt_version": "v1", "min_confidence": 0.5, "max_confidence": 0.9, "text": "100% paid"]
            let preview = try await f.call(.post, "/v1/review/bulk", as: .reviewer, json: filter)
            #expect(preview.status == 201 && preview.json["count"] == 5 && preview.json["excluded_invalid"] == 1, "\(preview.text)")
            let listed = Set(preview.json["items"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? [])
            #expect(listed == Set(same), "only the matching, schema-valid, waiting items")
            let id = preview.json["id"]?.stringValue ?? ""

            // Since the preview: one more matching item arrives (not in the frozen ids), another reviewer claims one.
            let other = try await f.store.keys.create(name: "second reviewer", role: .reviewer, now: f.clock.now()).key
            let late = try await post(f, "Invoice 9 from ACME 100% paid")
            let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer, key: other)
            #expect(claimed.json["id"]?.stringValue == same[0])

            let wrongCount = try await f.call(.post, "/v1/review/bulk/\(id)/approve", as: .reviewer, json: ["count": 6])
            #expect(wrongCount.status == 409 && wrongCount.json["detail"]?.stringValue?.contains("holds 5 items") == true)
            let applied = try await f.call(.post, "/v1/review/bulk/\(id)/approve", as: .reviewer, json: ["count": 5])
            #expect(applied.status == 200 && applied.json["approved"] == 4 && applied.json["skipped"] == 1, "\(applied.text)")
            for item in same.dropFirst() {
                let approved = try await f.call(.get, "/v1/items/\(item)").json
                #expect(approved["status"] == "approved" && approved["decision"]?["by"] == .string(f.actor(.reviewer)), "\(approved)")
                let history = try await f.call(.get, "/v1/items/\(item)/history").json["events"]?.arrayValue ?? []
                #expect(history.last?["event"] == "decided" && history.last?["details"]?["bulk"]?.stringValue == id, "its own history row")
            }
            for untouched in [same[0], invalid, otherPrompt, unsure, otherWords, late] {
                #expect(try await status(f, untouched) != "approved", "\(untouched) was not in the approved set")
            }
            let decidedEvents = try await Psql.run(url: f.databaseURL, "SELECT count(*) FROM events WHERE event = 'item.decided'")
            #expect(decidedEvents.1.trimmingCharacters(in: .whitespacesAndNewlines) == "4", "one item.decided per item")
            #expect(try await f.call(.post, "/v1/review/bulk/\(id)/approve", as: .reviewer, json: ["count": 5]).status == 409, "once")

            f.clock.advance(30)
            let undone = try await f.call(.post, "/v1/review/bulk/\(id)/undo", as: .reviewer)
            #expect(undone.status == 200 && undone.json["reopened"] == 4, "\(undone.text)")
            for item in same.dropFirst() {
                let back = try await f.call(.get, "/v1/items/\(item)").json
                #expect(back["status"] == "pending" && back["decision"] == .null && back["final_output"] == .null)
            }
            #expect(try await status(f, same[0]) == "in_review", "the other reviewer's claim is untouched")
            #expect(try await f.call(.post, "/v1/review/bulk/\(id)/undo", as: .reviewer).status == 409, "undo once")
            let queued = try await Psql.run(url: f.databaseURL, "SELECT count(*) FROM item_events WHERE event = 'reopened'")
            #expect(queued.1.trimmingCharacters(in: .whitespacesAndNewlines) == "4")
        }
    }

    @Test func undoAndApprovalHaveTimeLimitsAndPreviewsAreBoundedAndPersonal() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            for i in 0..<3 { _ = try await post(f, "Invoice \(i)") }
            let other = try await f.store.keys.create(name: "second reviewer", role: .reviewer, now: f.clock.now()).key
            let first = try await f.call(.post, "/v1/review/bulk", as: .reviewer, json: ["task": "invoice"]).json["id"]?.stringValue ?? ""
            #expect(try await f.call(.post, "/v1/review/bulk/\(first)/approve", as: .reviewer, key: other, json: ["count": 3]).status == 404,
                    "a preview is its reviewer's")
            f.clock.advance(601)
            let stale = try await f.call(.post, "/v1/review/bulk/\(first)/approve", as: .reviewer, json: ["count": 3])
            #expect(stale.status == 409 && stale.json["detail"]?.stringValue?.contains("preview again") == true)

            let second = try await f.call(.post, "/v1/review/bulk", as: .reviewer, json: ["task": "invoice"]).json["id"]?.stringValue ?? ""
            #expect(try await f.call(.post, "/v1/review/bulk/\(second)/approve", as: .reviewer, json: ["count": 3]).json["approved"] == 3)
            f.clock.advance(61)
            let late = try await f.call(.post, "/v1/review/bulk/\(second)/undo", as: .reviewer)
            #expect(late.status == 409 && late.json["detail"]?.stringValue?.contains("60 s") == true)

            let none = try await f.call(.post, "/v1/review/bulk", as: .reviewer, json: ["task": "invoice"])
            #expect(none.status == 200 && none.json["count"] == 0 && none.json["id"] == .null, "nothing waits: nothing to freeze")
            let bad = try await f.call(.post, "/v1/review/bulk", as: .reviewer, json: ["task": "invoice", "min_confidence": 2, "text": 7])
            let fields = Set(bad.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(bad.status == 422 && fields == ["min_confidence", "text"])
            #expect(try await f.call(.post, "/v1/review/bulk", as: .reviewer, json: ["task": "nope"]).status == 404)
            #expect(try await f.call(.post, "/v1/review/bulk", as: .analyst, json: ["task": "invoice"]).status == 403)

            // Items that need several reviews are never one person's to approve in bulk.
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "reviews_required": 2])
            for i in 0..<3 { _ = try await post(f, "Invoice \(i) again") }
            let consensus = try await f.call(.post, "/v1/review/bulk", as: .reviewer, json: ["task": "invoice"])
            #expect(consensus.json["count"] == 0 && consensus.json["excluded_consensus"] == 3, "\(consensus.text)")
        }
    }
}
