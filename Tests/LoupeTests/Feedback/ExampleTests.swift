import LoupeDomain
import LoupeJSON
import Testing

@Suite struct ExampleTests {
    static let schema: JSONValue = ["type": "object", "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]]

    /// Posts `input` as a pending item and corrects it to `output`.
    func correct(_ f: LoupeFixture, _ input: String, _ output: JSONValue) async throws -> String {
        try await f.submit("invoice", input: .string(input), output: ["vendor": "?"], confidence: 0.1)
        return try await f.decideNext("correct", output: output)
    }

    @Test func aCorrectionBecomesAnExampleAndIdenticalInputsKeepTheLatest() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": Self.schema, "instructions": "Extract vendor and total."])
            let first = try await correct(f, "Invoice ACME total 120", ["vendor": "ACME", "total": 120])
            try await f.submit("invoice", input: "Approved only", output: ["vendor": "X"], confidence: 0.1)
            try await f.decideNext("approve")  // approvals are not examples unless the task says so
            var served = try await f.call(.get, "/v1/tasks/invoice/examples", as: .ingest).json["examples"]?.arrayValue ?? []
            #expect(served.count == 1)
            #expect(served.first?["item_id"]?.stringValue == first)
            #expect(served.first?["output"] == ["vendor": "ACME", "total": 120])
            #expect(served.first?["input"] == "Invoice ACME total 120")

            let second = try await correct(f, "Invoice ACME total 120", ["vendor": "ACME Corp.", "total": 120])
            served = try await f.call(.get, "/v1/tasks/invoice/examples", as: .ingest).json["examples"]?.arrayValue ?? []
            #expect(served.count == 1, "identical inputs keep only the latest example")
            #expect(served.first?["item_id"]?.stringValue == second)
            #expect(served.first?["output"]?["vendor"] == "ACME Corp.")

            let chat = try await f.call(.get, "/v1/tasks/invoice/examples?format=chat", as: .ingest).json["messages"]?.arrayValue ?? []
            #expect(chat.count == 3)
            #expect(chat[0]["role"] == "system" && chat[0]["content"] == "Extract vendor and total.")
            #expect(chat[1]["content"] == "Invoice ACME total 120")
            #expect(chat[2]["content"] == #"{"total":120,"vendor":"ACME Corp."}"#)
        }
    }

    @Test func approvalsBecomeExamplesWhenTheTaskSaysSo() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": Self.schema, "approvals_as_examples": true])
            try await f.submit("invoice", input: "Invoice Initech 99", output: ["vendor": "Initech", "total": 99], confidence: 0.1)
            try await f.decideNext("approve")
            let served = try await f.call(.get, "/v1/tasks/invoice/examples", as: .analyst).json["examples"]?.arrayValue ?? []
            #expect(served.first?["output"] == ["vendor": "Initech", "total": 99])
        }
    }

    @Test func theMostSimilarRanksFirstAndNearDuplicatesDoNotFillEveryPlace() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": Self.schema])
            let acme = try await correct(f, "Invoice from ACME Corporation, total due 120.00 EUR", ["vendor": "ACME", "total": 120])
            let acmeTwin = try await correct(f, "Invoice from ACME Corporation, total due 121.00 EUR", ["vendor": "ACME", "total": 121])
            let initech = try await correct(f, "Invoice from Initech, total due 99.00 EUR", ["vendor": "Initech", "total": 99])
            _ = try await correct(f, "Support ticket: the printer on floor 3 is jammed", ["vendor": "none", "total": 0])
            _ = try await correct(f, "Delivery note: Globex shipped 5 boxes of paper", ["vendor": "Globex", "total": 0])

            let one = try await f.call(.get, "/v1/tasks/invoice/examples?k=1&query=ACME%20Corporation%20invoice%20total%20120.00%20EUR", as: .ingest)
            #expect(one.json["examples"]?[0]?["item_id"]?.stringValue == acme)

            let two = try await f.call(.get, "/v1/tasks/invoice/examples?k=2&query=ACME%20Corporation%20invoice%20total%20120.00%20EUR", as: .ingest)
            let ids = two.json["examples"]?.arrayValue?.compactMap { $0["item_id"]?.stringValue } ?? []
            #expect(ids.first == acme)
            #expect(ids.contains(initech) && !ids.contains(acmeTwin), "the near-duplicate yields to a different relevant example")

            let capped = try await f.call(.get, "/v1/tasks/invoice/examples?k=5&max_chars=120&query=invoice", as: .ingest)
            #expect((capped.json["examples"]?.arrayValue?.count ?? 0) == 1)
            #expect(try await f.call(.get, "/v1/tasks/invoice/examples?k=0", as: .ingest).status == 422)
            // With room for all of them, the near-duplicate still comes, after the others. (Both ACME inputs are
            // equally similar to this query, so either may lead; the newer wins the tie.)
            let five = try await f.call(.get, "/v1/tasks/invoice/examples?k=5&query=ACME%20Corporation%20invoice", as: .ingest)
            let order = five.json["examples"]?.arrayValue?.compactMap { $0["item_id"]?.stringValue } ?? []
            #expect(order.count == 5)
            #expect(Set([order.first, order.last]) == Set([acme, acmeTwin]), "\(five.text)")
        }
    }

    @Test func amongThousandsOfLookAlikesRareWordsFindWhatAnExhaustiveScanRanksFirst() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": Self.schema])
            // More look-alikes than the rare-word step reads for one word, so "invoice", "branch"... are skipped.
            let url = try await TestCluster.databaseURL(f.store.location)
            let seeded = try await Psql.run(url: url, """
                WITH src AS (
                    SELECT gen_random_uuid() AS id, g, 'Invoice ' || g || ' from ' || (ARRAY['ACME','Globex','Hooli'])[1 + g % 3]
                           || ' branch ' || (g % 101) || ', total ' || (g % 797) || '.00 EUR' AS text
                    FROM generate_series(1, 6000) AS g
                ), items_in AS (
                    INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action, decided_by,
                                       decided_at, queue_state, created_at, updated_at)
                    SELECT id, 'invoice', 'corrected', to_jsonb(text), '{}', 0.5, '[]', '{}', 'correct', 'seed', now(), 'done', now(), now()
                    FROM src RETURNING id
                )
                INSERT INTO examples (id, task, input, input_text, input_hash, output, kind, source_item, reviewer, created_at)
                SELECT id, 'invoice', to_jsonb(text), text, md5(to_jsonb(text)::text), '{}', 'correction', id, 'seed', now() FROM src
                """)
            #expect(seeded.0 == 0, "\(seeded.2)")
            let query = "Invoice from Hooli branch 48, total 548.00 EUR"
            let exhaustive = try await Psql.run(url: url, """
                SELECT input_text FROM examples ORDER BY similarity(input_text, '\(query)') DESC, created_at DESC LIMIT 1
                """).1.trimmingCharacters(in: .whitespacesAndNewlines)
            let served = try await f.call(.get, "/v1/tasks/invoice/examples?k=3&query=" + query.replacingOccurrences(of: " ", with: "%20"),
                                          as: .ingest).json["examples"]?.arrayValue ?? []
            #expect(served.count == 3)
            #expect(served.first?["input"]?.stringValue == exhaustive)

            // Word counts follow the examples: a new input adds, the same input corrected again does not.
            _ = try await correct(f, "Invoice from Zorg Ltd, total 4242.00 EUR", ["vendor": "Zorg", "total": 4242])
            _ = try await correct(f, "Invoice from Zorg Ltd, total 4242.00 EUR", ["vendor": "Zorg Ltd", "total": 4242])
            let counts = try await Psql.run(url: url, "SELECT term || '=' || df FROM example_terms WHERE term IN ('zorg', 'invoice') ORDER BY term")
            #expect(counts.1.split(separator: "\n") == ["invoice=6001", "zorg=1"])
            let zorg = try await f.call(.get, "/v1/tasks/invoice/examples?k=1&query=zorg%20invoice", as: .ingest)
            #expect(zorg.json["examples"]?[0]?["output"]?["vendor"] == "Zorg Ltd")
        }
    }

    @Test func disabledExamplesAreNotServedAndCanBeReenabled() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": Self.schema])
            _ = try await correct(f, "Invoice ACME", ["vendor": "ACME"])
            let all = try await f.call(.get, "/v1/tasks/invoice/examples/all", as: .analyst).json["examples"]?.arrayValue ?? []
            #expect(all.count == 1)
            let id = all[0]["id"]?.stringValue ?? ""
            let disabled = try await f.call(.patch, "/v1/examples/\(id)", as: .analyst, json: ["enabled": false])
            #expect(disabled.json["enabled"] == false)
            #expect(try await f.call(.get, "/v1/tasks/invoice/examples?query=ACME", as: .ingest).json["examples"] == [])
            #expect(try await f.call(.get, "/v1/tasks/invoice/examples", as: .ingest).json["examples"] == [])
            #expect(try await f.call(.get, "/v1/tasks/invoice/examples/all", as: .analyst).json["examples"]?.arrayValue?.count == 1)
            _ = try await f.call(.patch, "/v1/examples/\(id)", as: .analyst, json: ["enabled": true])
            #expect(try await f.call(.get, "/v1/tasks/invoice/examples?query=ACME", as: .ingest).json["examples"]?.arrayValue?.count == 1)
            #expect(try await f.call(.patch, "/v1/examples/\(id)", as: .analyst, json: ["enabled": "no"]).status == 422)
            #expect(try await f.call(.patch, "/v1/examples/\(id)", as: .ingest, json: ["enabled": true]).status == 403)
        }
    }
}
