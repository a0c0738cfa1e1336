import LoupeDomain
import LoupeJSON
import Testing

@Suite struct CalibrationTests {
    /// Bands 9 (40 items: 39 approved, 1 corrected), 8 (40: 36 approved, 4 rejected), 2 (10: 2 approved, 8 corrected).
    func seed(_ f: LoupeFixture) async throws {
        try await f.defineTask("t", ["output_schema": ["type": "object"], "threshold": 1])
        let plan: [(confidence: Double, prompt: String, approved: Int, wrong: Int, wrongAction: String)] = [
            (0.95, "v2", 39, 1, "correct"), (0.85, "v1", 36, 4, "reject"), (0.25, "v1", 2, 8, "correct"),
        ]
        for band in plan {
            for i in 0..<(band.approved + band.wrong) {
                try await f.submit("t", input: .int(i), output: ["n": .int(i)], confidence: band.confidence, promptVersion: band.prompt)
                if i < band.approved { try await f.decideNext("approve") }
                else if band.wrongAction == "correct" { try await f.decideNext("correct", output: ["n": -1]) }
                else { try await f.decideNext("reject") }
            }
        }
    }

    @Test func bandsPromptVersionsAndSuggestedThresholdMatchHandComputedValues() async throws {
        try await withLoupe { f in
            try await seed(f)
            let stats = try await f.call(.get, "/v1/tasks/t/stats?target_error=0.2", as: .analyst).json
            let bands = stats["calibration"]?["bands"]?.arrayValue ?? []
            #expect(bands.count == 10)
            #expect(bands[9]["reviewed"] == 40 && bands[9]["share_approved_unchanged"] == 0.975)
            #expect(bands[8]["reviewed"] == 40 && bands[8]["share_approved_unchanged"] == 0.9)
            #expect(bands[2]["reviewed"] == 10 && bands[2]["share_approved_unchanged"] == 0.2)
            #expect(bands[5]["items"] == 0 && bands[5]["share_approved_unchanged"] == .null)

            // Bands 8–9: (40·0.1 + 40·0.025) / 80 = 0.0625 over 80 verdicts; Wilson 95% upper bound 0.1381.
            let suggestion = stats["calibration"]?["suggested_threshold"]
            #expect(suggestion?["threshold"] == 0.3)
            #expect(suggestion?["estimated_error"] == 0.0625)
            #expect(suggestion?["wilson_upper"] == 0.1381)
            #expect(suggestion?["sample_size"] == 80)

            let stricter = try await f.call(.get, "/v1/tasks/t/stats?target_error=0.13", as: .analyst).json["calibration"]?["suggested_threshold"]
            #expect(stricter?["threshold"] == 0.9)
            #expect(stricter?["wilson_upper"] == 0.1288)
            #expect(stricter?["sample_size"] == 40)

            let strict = try await f.call(.get, "/v1/tasks/t/stats", as: .analyst).json["calibration"]
            #expect(strict?["suggested_threshold"] == .null)
            #expect(strict?["note"]?.stringValue?.hasPrefix("not enough data") == true)

            let versions = stats["by_prompt_version"]?.arrayValue ?? []
            let v1 = versions.first { $0["prompt_version"] == "v1" }, v2 = versions.first { $0["prompt_version"] == "v2" }
            #expect(v1?["items"] == 50 && v1?["reviewed"] == 50 && v1?["correction_rate"] == 0.16)
            #expect(v2?["items"] == 40 && v2?["correction_rate"] == 0.025)
            #expect(try await f.call(.get, "/v1/tasks/t/stats?target_error=2", as: .analyst).status == 422)
        }
    }

    @Test func aBandWithItemsButNoVerdictsBlocksTheEstimate() {
        let bands = (0...9).map { i in
            i == 9 ? ConfidenceBand(index: 9, items: 500, reviewed: 0, approvedUnchanged: 0)
                   : ConfidenceBand(index: i, items: i == 8 ? 100 : 0, reviewed: i == 8 ? 100 : 0, approvedUnchanged: i == 8 ? 100 : 0)
        }
        #expect(Calibration.estimate(bands, from: 8) == nil, "band 9 holds items nobody judged")
        #expect(Calibration.suggest(bands, target: 0.5, minSample: 1) == nil)
        #expect(abs(Calibration.wilsonUpper(p: 0, n: 100) - 0.0370) < 0.0001)
    }
}
