import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 14, risk–coverage: the error each threshold would let through, from human verdicts and inverse-weighted
/// audits, with 95% intervals that hold what they promise.
@Suite struct RiskCoverageTests {
    /// Writes `tasks` simulated tasks of `perTask` items straight into the database (no HTTP per row): confidence
    /// uniform on [0.5, 1), each item wrong with probability 0.4 (1 − c)^1.5 (kept in metadata as the truth);
    /// below 0.85 every item is reviewed, above it auto-approved and audited at a rate that changes halfway for
    /// half of the tasks (0.05 → 0.3 and 0.3 → 0.05; the others keep 0.05 or 0.2).
    static func simulate(_ f: LoupeFixture, tasks: Int, perTask: Int, seed: Double) async throws {
        let sql = """
            SELECT setseed(\(seed));
            INSERT INTO tasks (name, output_schema, created_at, updated_at)
            SELECT 'sim' || t, '{}', now(), now() FROM generate_series(0, \(tasks - 1)) AS t;
            INSERT INTO items (id, task, status, audit, input, output, confidence, reasons, final_output, decision_action,
                               decided_by, decided_at, auto_approved_at, audit_verdict, audit_rate, queue_state, metadata,
                               created_at, updated_at)
            SELECT gen_random_uuid(), 'sim' || t, CASE WHEN c < 0.85 AND wrong THEN 'corrected' ELSE 'approved' END,
                   c >= 0.85 AND audited, '"x"', '{"v": 1}', c, '[]',
                   CASE WHEN c < 0.85 AND wrong THEN '{"v": 2}'::jsonb ELSE '{"v": 1}'::jsonb END,
                   CASE WHEN c < 0.85 AND wrong THEN 'correct' ELSE 'approve' END,
                   CASE WHEN c < 0.85 THEN 'user:sim' ELSE 'auto' END, now(),
                   CASE WHEN c >= 0.85 THEN now() END,
                   CASE WHEN c >= 0.85 AND audited THEN CASE WHEN wrong THEN 'correct' ELSE 'approve' END END,
                   CASE WHEN c >= 0.85 THEN rate END, 'done', jsonb_build_object('wrong', wrong),
                   now() - make_interval(secs => \(perTask) - i), now()
            FROM (
                SELECT t, i, c, random() < 0.4 * power(1 - c, 1.5) AS wrong, rate, random() < rate AS audited
                FROM (
                    SELECT t, i, 0.5 + 0.5 * random() AS c,
                           CASE t % 4 WHEN 0 THEN 0.05 WHEN 1 THEN 0.2
                                      WHEN 2 THEN CASE WHEN i < \(perTask / 2) THEN 0.05 ELSE 0.3 END
                                      ELSE CASE WHEN i < \(perTask / 2) THEN 0.3 ELSE 0.05 END END AS rate
                    FROM generate_series(0, \(tasks - 1)) AS t, generate_series(0, \(perTask - 1)) AS i
                ) AS drawn
            ) AS items;
            """
        let (status, _, err) = try await Psql.run(url: f.databaseURL, sql)
        try #require(status == 0, "\(err)")
    }

    /// The realized error among each task's items at or above each threshold, from the truth in metadata.
    static func truth(_ f: LoupeFixture, thresholds: [Double]) async throws -> [String: [Double: Double]] {
        let (_, out, _) = try await Psql.run(url: f.databaseURL, """
            SELECT task, t, avg(((metadata ->> 'wrong')::boolean)::int)
            FROM items, unnest(ARRAY[\(thresholds.map { "\($0)" }.joined(separator: ","))]::float8[]) AS t
            WHERE task LIKE 'sim%' AND confidence >= t GROUP BY 1, 2
            """)
        var result: [String: [Double: Double]] = [:]
        for line in out.split(separator: "\n") {
            let parts = line.split(separator: "|").map(String.init)
            result[parts[0], default: [:]][Double(parts[1])!] = Double(parts[2])!
        }
        return result
    }

    @Test func intervalsCoverTheTrueErrorInAtLeast93PercentOf200SimulatedTasks() async throws {
        try await withLoupe { f in
            try await Self.simulate(f, tasks: 200, perTask: 2000, seed: 0.42)
            let thresholds = [0.6, 0.8, 0.9, 0.95]
            let truth = try await Self.truth(f, thresholds: (50...99).map { Double($0) / 100 })
            var covered = Dictionary(uniqueKeysWithValues: thresholds.map { ($0, 0) })
            var recommendations = 0, safe = 0
            for t in 0..<200 {
                let task = "sim\(t)"
                let buckets = try await f.store.insights.riskBuckets(task: task, filter: AnalyticsFilter(), now: Date())
                let points = RiskCoverage.points(buckets)
                for threshold in thresholds {
                    let point = try #require(points.first { abs($0.threshold - threshold) < 1e-9 })
                    let real = try #require(truth[task]?[threshold])
                    if let low = point.low, let high = point.high, low <= real + 1e-12, real <= high + 1e-12 { covered[threshold]! += 1 }
                }
                // 2% needs more audits than these tasks have; 5% is within reach of most.
                if let best = RiskCoverage.recommend(points, target: 0.05, minSample: 30) {
                    recommendations += 1
                    #expect((best.high ?? 1) <= 0.05, "a recommendation never exceeds the target at its upper bound")
                    if let real = truth[task]?[best.threshold], real <= 0.05 { safe += 1 }
                }
            }
            print("RISK coverage of 95% intervals over 200 tasks: \(thresholds.map { "\($0): \(covered[$0]!)" }); "
                + "recommendations at 5%: \(recommendations), truly within 5%: \(safe)")
            for threshold in thresholds {
                #expect(covered[threshold]! >= 186, "threshold \(threshold): \(covered[threshold]!) of 200 intervals cover the truth")
            }
            #expect(recommendations >= 50, "a good share of tasks have the evidence for a 5% recommendation (79 with this seed)")
            #expect(safe == recommendations, "at every recommended threshold the realized error is within the target")
        }
    }

    @Test func theEndpointShowsEachThresholdWithItsEvidence() async throws {
        try await withLoupe(liveClock: true) { f in
            try await f.defineTask("invoice", ["output_schema": ["type": "object"], "threshold": 0.9])
            try await Self.simulate(f, tasks: 1, perTask: 3000, seed: 0.7)
            let reply = try await f.call(.get, "/v1/tasks/sim0/risk-coverage", as: .analyst)
            #expect(reply.status == 200, "\(reply.text)")
            let points = reply.json["points"]?.arrayValue ?? []
            #expect(points.count == 50 && points.first?["threshold"] == 0.5 && points.last?["threshold"] == 0.99)
            #expect(points.first?["coverage"] == 1, "every item is at or above 0.50")
            let coverages = points.compactMap { $0["coverage"]?.doubleValue }
            #expect(coverages == coverages.sorted(by: >), "coverage falls as the threshold rises")
            let at90 = try #require(points.first { $0["threshold"] == 0.9 })
            let ci = at90["ci"]?.arrayValue?.compactMap(\.doubleValue) ?? []
            #expect(ci.count == 2 && ci[0] <= (at90["error"]?.doubleValue ?? -1) && (at90["error"]?.doubleValue ?? 2) <= ci[1])
            #expect((at90["n"]?.doubleValue ?? 0) > 0 && reply.json["current_threshold"] == 0.85)
            #expect(reply.json["recommended"]?["threshold"] != nil || reply.json["why"]?.stringValue != nil)
            let empty = try await f.call(.get, "/v1/tasks/invoice/risk-coverage", as: .analyst).json
            #expect(empty["recommended"] == .null && (empty["why"]?.stringValue ?? "").contains("human verdicts"))
            #expect(empty["points"]?[0]?["error"] == .null && empty["points"]?[0]?["n"] == 0)
            #expect(try await f.call(.get, "/v1/tasks/invoice/risk-coverage?target_error=0", as: .analyst).status == 422)
            #expect(try await f.call(.get, "/v1/tasks/invoice/risk-coverage", as: .ingest).status == 403)
        }
    }
}
