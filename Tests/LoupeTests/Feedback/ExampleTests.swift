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
            // With room for all of them, the near-duplicate still comes, after the others.
            let five = try await f.call(.get, "/v1/tasks/invoice/examples?k=5&query=ACME%20Corporation%20invoice", as: .ingest)
            #expect(five.json["examples"]?.arrayValue?.last?["item_id"]?.stringValue == acmeTwin)
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
