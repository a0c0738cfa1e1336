import Foundation
import LoupeJSON
import Testing

/// Issue 18: caller-supplied embeddings: checked at intake, inherited by examples, searched by meaning (alone or with
/// text), and never serving what curation or erasure took away.
@Suite struct EmbeddingTests {
    static let schema: JSONValue = ["type": "object", "properties": ["intent": ["type": "string"]]]

    static func vector(_ values: [Double]) -> JSONValue { .array(values.map { .double($0) }) }

    /// Posts `input` with `embedding` as a pending item and corrects it to `intent`; returns the item id.
    @discardableResult
    static func correct(_ f: LoupeFixture, _ input: String, _ embedding: JSONValue?, intent: String) async throws -> String {
        var item: JSONObject = ["task": "tickets", "input": .string(input), "output": ["intent": "?"], "confidence": 0.1]
        if let embedding { item["embedding"] = embedding }
        let posted = try await f.call(.post, "/v1/items", as: .ingest, json: .object(item))
        #expect(posted.status == 201, "\(posted.text)")
        return try await f.decideNext("correct", output: ["intent": .string(intent)])
    }

    static func search(_ f: LoupeFixture, _ body: JSONValue) async throws -> [JSONValue] {
        let reply = try await f.call(.post, "/v1/tasks/tickets/examples/search", as: .ingest, json: body)
        #expect(reply.status == 200, "\(reply.text)")
        return reply.json["examples"]?.arrayValue ?? []
    }

    @Test func intakeAndSearchRefuseEmbeddingsThatDoNotFitTheTask() async throws {
        try await withLoupe { f in
            try await f.defineTask("tickets", ["output_schema": Self.schema])
            func post(_ embedding: JSONValue) async throws -> TestReply {
                try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "tickets", "input": "x", "output": [:], "confidence": 0.1,
                                                                       "embedding": embedding])
            }
            var reply = try await post(Self.vector([1, 0, 0, 0]))
            #expect(reply.status == 422 && reply.isProblem && reply.text.contains("embedding_dimensions"), "\(reply.text)")

            try await f.defineTask("tickets", ["output_schema": Self.schema, "embedding_dimensions": 4])
            let refused: [(JSONValue, String)] = [
                (Self.vector([1, 0, 0]), "must hold 4 numbers"), (["1", 0, 0, 0], "embedding[0]"), (["NaN", 0, 0, 0], "not string"),
                ([1, 0, .null, 0], "embedding[2]"),
                ("0.1 0.2 0.3 0.4", "must be an array"), (.array([]), "1 to 4096"),
            ]
            for (embedding, message) in refused {
                reply = try await post(embedding)
                #expect(reply.status == 422 && reply.isProblem && reply.text.contains(message), "\(embedding): \(reply.text)")
            }
            let huge = try await f.call(.post, "/v1/items", as: .ingest,
                                        raw: #"{"task":"tickets","input":"x","output":{},"confidence":0.1,"embedding":[1e39,0,0,0]}"#)
            #expect(huge.status == 422 && huge.text.contains("finite"), "\(huge.text)")
            #expect(try await post(Self.vector([0.1, -2, 3e5, 0])).status == 201)
            let batch = try await f.call(.post, "/v1/items/batch", as: .ingest, json: ["items": [
                ["task": "tickets", "input": "a", "output": [:], "confidence": 0.1, "embedding": Self.vector([1, 2])],
                ["task": "tickets", "input": "b", "output": [:], "confidence": 0.1, "embedding": Self.vector([1, 2, 3, 4])],
            ]])
            let results = batch.json["results"]?.arrayValue ?? []
            #expect(results.first?["error"]?["status"] == 422 && results.last?["status"] == "pending", "\(batch.text)")

            for body: JSONValue in [[:], ["k": 0, "query": "x"], ["embedding": Self.vector([1, 0])], ["embedding": "x"], ["query": 5]] {
                let searched = try await f.call(.post, "/v1/tasks/tickets/examples/search", as: .ingest, json: body)
                #expect(searched.status == 422 && searched.isProblem, "\(body): \(searched.text)")
            }
            for task: JSONValue in [["output_schema": Self.schema, "embedding_dimensions": 0],
                                    ["output_schema": Self.schema, "embedding_dimensions": 5000],
                                    ["output_schema": Self.schema, "text_search_config": "klingon"]] {
                #expect(try await f.call(.put, "/v1/tasks/tickets", json: task).status == 422)
            }
            #expect(try await f.call(.post, "/v1/tasks/tickets/examples/search", as: .reviewer, json: ["query": "x"]).status == 403)
        }
    }

    @Test func examplesInheritTheirItemsEmbeddingAndAreFoundByMeaningTextOrBoth() async throws {
        try await withLoupe { f in
            try await f.defineTask("tickets", ["output_schema": Self.schema, "embedding_dimensions": 4])
            let refund = try await Self.correct(f, "I want my money back for order A-1", Self.vector([1, 0.1, 0, 0]), intent: "refund")
            let late = try await Self.correct(f, "Where is my parcel A-2", Self.vector([0, 1, 0.1, 0]), intent: "where_is_order")
            let plain = try await Self.correct(f, "Please reimburse order A-3", nil, intent: "refund")

            let byMeaning = try await Self.search(f, ["embedding": Self.vector([0.9, 0.2, 0, 0]), "k": 5])
            let meaningIDs: [String] = byMeaning.compactMap { $0["item_id"]?.stringValue }
            #expect(meaningIDs == [refund, late], "only examples with embeddings, nearest first")
            #expect((byMeaning.first?["cosine"]?.doubleValue ?? 0) > 0.97 && byMeaning.first?["output"] == ["intent": "refund"])

            let byText = try await Self.search(f, ["query": "reimburse order", "k": 1])
            #expect(byText.first?["item_id"]?.stringValue == plain)
            // Both: by meaning alone the refund is nearer; the query's words, all in the parcel example, lift it first.
            let near: JSONValue = Self.vector([0.7, 0.6, 0, 0])
            let alone = try await Self.search(f, ["embedding": near, "k": 2])
            #expect(alone.first?["item_id"]?.stringValue == refund)
            let both = try await Self.search(f, ["query": "Where is my parcel A-2", "embedding": near, "k": 2])
            #expect(both.first?["item_id"]?.stringValue == late, "\(both)")
            let bothIDs = both.compactMap { $0["item_id"]?.stringValue }
            #expect(bothIDs.contains(refund))
            #expect((both.first?["score"]?.doubleValue ?? 0) > (both.first?["cosine"]?.doubleValue ?? 0))

            let chat = try await f.call(.post, "/v1/tasks/tickets/examples/search", as: .ingest,
                                       json: ["embedding": Self.vector([1, 0, 0, 0]), "k": 1, "format": "chat"])
            #expect(chat.json["messages"]?.arrayValue?.count == 2)
        }
    }

    @Test func disabledAndErasedExamplesAreNeverServedAndReenabledOnesReturn() async throws {
        try await withLoupe { f in
            try await f.defineTask("tickets", ["output_schema": Self.schema, "embedding_dimensions": 4])
            let posted = try await f.call(.post, "/v1/items", as: .ingest, json: [
                "task": "tickets", "external_id": "c-1", "input": "refund please", "output": ["intent": "?"], "confidence": 0.1,
                "embedding": Self.vector([1, 0, 0, 0])])
            let id = posted.json["id"]?.stringValue ?? ""
            try await f.decideNext("correct", output: ["intent": "refund"])
            try await Self.correct(f, "parcel late", Self.vector([0, 1, 0, 0]), intent: "where_is_order")
            let query: JSONValue = ["embedding": Self.vector([1, 0, 0, 0]), "query": "refund please", "k": 5]
            #expect(try await Self.search(f, query).first?["item_id"]?.stringValue == id, "loaded into the index")

            let example = try await f.call(.get, "/v1/tasks/tickets/examples/all", as: .analyst).json["examples"]?.arrayValue?
                .first { $0["item_id"]?.stringValue == id }?["id"]?.stringValue ?? ""
            #expect(try await f.call(.patch, "/v1/examples/\(example)", as: .analyst, json: ["enabled": false]).status == 200)
            // At once, whether or not this server's index has heard of it yet.
            for body in [query, ["embedding": Self.vector([1, 0, 0, 0])], ["query": "refund please"]] as [JSONValue] {
                #expect(!(try await Self.search(f, body)).contains { $0["item_id"]?.stringValue == id }, "\(body)")
            }
            #expect(try await f.call(.patch, "/v1/examples/\(example)", as: .analyst, json: ["enabled": true]).status == 200)
            #expect(try await eventually { try await Self.search(f, ["embedding": Self.vector([1, 0, 0, 0]), "k": 1]).first?["item_id"]?.stringValue == id },
                    "the index takes the example back")

            #expect(try await f.call(.delete, "/v1/items?task=tickets&external_id=c-1").status == 200)
            let item = try await f.call(.get, "/v1/items/\(id)").json
            #expect(item["input"] == .null)
            let left = try await Psql.run(url: f.databaseURL, "SELECT count(*) FROM items WHERE embedding IS NOT NULL AND erased_at IS NOT NULL")
            #expect(left.1.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "erasure clears the embedding too")
            for body in [query, ["embedding": Self.vector([1, 0, 0, 0])]] as [JSONValue] {
                #expect(!(try await Self.search(f, body)).contains { $0["item_id"]?.stringValue == id })
            }
        }
    }
}
