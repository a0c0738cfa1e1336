import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 14, drift alerts: the error among a window's audited auto-approvals against the task's target.
/// In process with the fixture's clock; the two-server check is `DriftTwoServerTests`.
@Suite struct DriftTests {
    /// `count` confident items of task `inv` (auto-approved, every one audited at audit_rate 1), their audits decided:
    /// `wrong` of them corrected, the rest approved.
    static func audit(_ f: LoupeFixture, count: Int, wrong: Int) async throws {
        for i in 0..<count {
            let posted = try await f.call(.post, "/v1/items", as: .ingest,
                                          json: ["task": "inv", "input": .string("invoice \(i)"), "output": ["total": 10], "confidence": 0.97])
            #expect(posted.status == 201 && posted.json["status"] == "approved", "auto-approved: \(posted.text)")
        }
        for i in 0..<count {
            _ = try await f.decideNext(i < wrong ? "correct" : "approve", output: i < wrong ? ["total": 12] : nil)
        }
    }

    static func check(_ f: LoupeFixture) async throws -> [String: Bool] {
        var raised: [String: Bool] = [:]
        for reading in try await f.store.drift.readings(now: f.clock.now()) {
            raised[reading.task] = try await f.store.drift.record(reading, now: f.clock.now())
        }
        return raised
    }

    @Test func aBurstOfAuditCorrectionsRaisesDriftOnceAndItClearsWhenTheErrorFallsBack() async throws {
        try await withLoupe { f in
            try await f.defineTask("inv", ["output_schema": ["type": "object"], "audit_rate": 1, "threshold": 0.9,
                                           "drift_alert": ["target_error": 0.1, "window_days": 7]])
            try await f.defineTask("quiet", ["output_schema": ["type": "object"]])
            #expect(try await f.call(.get, "/v1/tasks/inv").json["drift_alert"] == ["target_error": 0.1, "window_days": 7])

            try await Self.audit(f, count: 10, wrong: 1)
            #expect(try await Self.check(f) == ["inv": false], "1 of 10 wrong: the lower bound (0.018) is under 0.1; tasks without an alert are not read")
            let calm = try await f.call(.get, "/v1/tasks/inv/drift", as: .analyst).json
            #expect(calm["drifting"] == false && calm["n"] == 10 && calm["error"] == 0.1)
            #expect(calm["ci"]?[0]?.doubleValue.map { abs($0 - 0.0179) < 0.001 } == true, "Wilson lower bound of 1/10: \(calm)")

            try await Self.audit(f, count: 10, wrong: 9)
            // 10 of 20 wrong: error 0.5, Wilson 95% interval [0.299, 0.701], above the target.
            #expect(try await Self.check(f) == ["inv": true])
            #expect(try await Self.check(f) == ["inv": false], "raised once, not on every check while it stays above")
            let drifting = try await f.call(.get, "/v1/tasks/inv/drift", as: .analyst).json
            #expect(drifting["drifting"] == true && drifting["error"] == 0.5 && drifting["n"] == 20)
            #expect(drifting["since"]?.stringValue == Timestamp.string(f.clock.now()))
            #expect(drifting["ci"]?[0]?.doubleValue.map { abs($0 - 0.2993) < 0.001 } == true, "\(drifting)")
            let events = try await Psql.run(url: f.databaseURL, "SELECT event || ' ' || task || ' ' || (details->>'error') FROM events WHERE item_id IS NULL")
            #expect(events.1.trimmingCharacters(in: .whitespacesAndNewlines) == "task.drift inv 0.5", "\(events)")

            // Eight days on, the burst has left the window: no audits, nothing to alarm about; the banner goes.
            f.clock.advance(8 * 86_400)
            #expect(try await Self.check(f) == ["inv": false])
            #expect(try await f.call(.get, "/v1/tasks/inv/drift", as: .analyst).json["drifting"] == false)
            try await Self.audit(f, count: 10, wrong: 9)
            #expect(try await Self.check(f) == ["inv": true], "crossing again raises it again")
        }
    }

    /// Two servers check the same task: one reads the window before the burst, the other after it and raises the
    /// drift; the first one's stale reading, recorded late, must not flip the flag back (the next check would raise the
    /// same crossing again: two `task.drift` events, seen in `DriftTwoServerTests` under a loaded machine).
    @Test func aStaleReadingRecordedLateNeitherClearsTheDriftNorRaisesItTwice() async throws {
        try await withLoupe { f in
            try await f.defineTask("inv", ["output_schema": ["type": "object"], "audit_rate": 1, "threshold": 0.9,
                                           "drift_alert": ["target_error": 0.1, "window_days": 7]])
            let before = f.clock.now()
            let stale = try await f.store.drift.readings(now: before)
            f.clock.advance(1)
            try await Self.audit(f, count: 5, wrong: 5)
            #expect(try await Self.check(f) == ["inv": true])
            #expect(try await f.store.drift.record(stale[0], now: before) == false)
            #expect(try await f.call(.get, "/v1/tasks/inv/drift", as: .analyst).json["drifting"] == true, "a stale reading left it drifting")
            f.clock.advance(1)
            #expect(try await Self.check(f) == ["inv": false], "the same crossing is not raised again")
            let events = try await Psql.run(url: f.databaseURL, "SELECT count(*) FROM events WHERE event = 'task.drift'")
            #expect(events.1.trimmingCharacters(in: .whitespacesAndNewlines) == "1")
        }
    }

    @Test func badDriftAlertsAreRefusedByName() async throws {
        try await withLoupe { f in
            for (bad, field) in [(JSONValue.int(3), "drift_alert"), (["target_error": 0, "window_days": 7], "drift_alert.target_error"),
                                 (["target_error": 0.1], "drift_alert.window_days"), (["target_error": 0.1, "window_days": 400], "drift_alert.window_days"),
                                 (["target_error": 0.1, "window_days": 7, "extra": 1], "drift_alert.extra")] {
                let reply = try await f.call(.put, "/v1/tasks/inv", json: ["output_schema": ["type": "object"], "drift_alert": bad])
                let fields = reply.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? []
                #expect(reply.status == 422 && fields.contains(field), "\(bad): \(reply.text)")
            }
            let none = try await f.call(.get, "/v1/tasks/nope/drift", as: .analyst)
            #expect(none.status == 404 && none.isProblem)
            #expect(try await f.call(.get, "/v1/tasks/nope/drift", as: .reviewer).status == 403)
        }
    }
}
