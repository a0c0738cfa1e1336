import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 16, retention: decided items past the task's `retention_days` lose their content (statistics stay right),
/// by the retention service's pass and by `loupe purge`.
@Suite struct RetentionTests {
    @Test func itemsPastRetentionLoseTheirContentAndStatisticsStay() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"], "retention_days": 30, "audit_rate": 0])
            try await f.defineTask("keep", ["output_schema": ["type": "object"]])
            #expect(try await f.call(.get, "/v1/tasks/t").json["retention_days"] == 30)
            let old = try await f.submit("t", confidence: 0.99)
            let reviewed = try await f.submit("t", confidence: 0.1)
            #expect(try await f.decideNext("approve") == reviewed)
            let queued = try await f.submit("t", confidence: 0.1)
            let kept = try await f.submit("keep", confidence: 0.99)
            let statsBefore = try await f.call(.get, "/v1/tasks/t/stats", as: .analyst).json

            f.clock.advance(29 * 86_400)
            #expect(try await f.store.erasure.erase(.pastRetention, actor: "system:retention", now: f.clock.now(), limit: 500).isEmpty)
            f.clock.advance(2 * 86_400)
            let erased = try await f.store.erasure.erase(.pastRetention, actor: "system:retention", now: f.clock.now(), limit: 500)
            #expect(Set(erased.map { $0.uuidString.lowercased() }) == [old, reviewed])
            #expect(try await f.store.erasure.erase(.pastRetention, actor: "system:retention", now: f.clock.now(), limit: 500).isEmpty, "once")

            #expect(try await f.call(.get, "/v1/items/\(old)").json["input"] == .null)
            #expect(try await f.call(.get, "/v1/items/\(queued)").json["input"] == "doc", "undecided items are not past retention")
            #expect(try await f.call(.get, "/v1/items/\(kept)").json["input"] == "doc", "tasks without retention keep everything")
            let statsAfter = try await f.call(.get, "/v1/tasks/t/stats", as: .analyst).json
            #expect(statsAfter["calibration"] == statsBefore["calibration"] && statsAfter["by_prompt_version"] == statsBefore["by_prompt_version"],
                    "the skeleton keeps the statistics: \(statsAfter)")
            #expect(statsBefore["by_prompt_version"]?.arrayValue?.isEmpty == false)
            let export = try await f.call(.get, "/v1/export?task=t&include_auto=true", as: .analyst)
            #expect(export.status == 200 && export.text.isEmpty, "erased items are not exported")
            try await f.expectPeopleDecisionsMatchItems(atLeast: 0)  // the erased decision left
        }
    }

    @Test func purgeErasesDecidedItemsOlderThanTheGivenDays() async throws {
        let db = try await ServedDatabase.start()
        for confidence in [0.99, 0.99, 0.1] {
            #expect(try await HTTP.request("POST", db.server.baseURL + "/v1/items", key: db.admin,
                                           json: ["task": "t", "input": "x", "output": [:], "confidence": .double(confidence)]).0 == 201)
        }
        let none = try await LoupeBinary.run(["purge", "--task", "t", "--older-than", "1"], environment: db.environment)
        #expect(none.0 == 0 && none.1.contains("erased the content of 0 items"), "\(none)")
        let all = try await LoupeBinary.run(["purge", "--task", "t", "--older-than", "0"], environment: db.environment)
        #expect(all.0 == 0 && all.1.contains("erased the content of 2 items"), "the two decided ones: \(all)")
        let missing = try await LoupeBinary.run(["purge", "--task", "nope", "--older-than", "0"], environment: db.environment)
        #expect(missing.0 != 0 && missing.2.contains("no task"))
        _ = await db.server.terminate()
    }
}
