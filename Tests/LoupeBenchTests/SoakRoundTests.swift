import Testing
@testable import loupe_bench

/// The soak's medians: which rounds they count, and what the report lists beside them.
@Suite struct SoakRoundTests {
    static func round(claimP99: Double, stolen: Double, limit: Double = 0.05) -> SoakRound {
        var r = SoakRound()
        (r.claimP99, r.stolen, r.calm) = (claimP99, stolen, stolen <= limit)
        return r
    }

    @Test func aStolenRoundIsLeftOutOfTheMedianWhenACalmOneExists() {
        let rounds = [Self.round(claimP99: 28.5, stolen: 0.29), Self.round(claimP99: 8.0, stolen: 0.01),
                      Self.round(claimP99: 15.9, stolen: 0.08), Self.round(claimP99: 6.7, stolen: 0)]
        #expect(rounds.counted.map(\.claimP99) == [8.0, 6.7])
        #expect(abs(rounds.counted.median(\.claimP99) - 7.35) < 1e-9)
        // Every round counted would have read the two stolen ones' tail into the median.
        #expect(abs(rounds.median(\.claimP99) - 11.95) < 1e-9)
    }

    @Test func everyRoundCountsWhenNoneIsCalm() {
        let rounds = [Self.round(claimP99: 21.3, stolen: 0.21), Self.round(claimP99: 21.9, stolen: 0.16), Self.round(claimP99: 9, stolen: 0.3)]
        #expect(rounds.counted.count == 3)
        #expect(rounds.counted.median(\.claimP99) == 21.3)
    }

    @Test func theMedianOfNoRoundsIsNotANumber() {
        #expect([SoakRound]().median(\.claimP99).isNaN)
    }

    @Test func theListMarksEachStolenRoundWithItsShare() {
        let rounds = [Self.round(claimP99: 5.7, stolen: 0.29), Self.round(claimP99: 6.7, stolen: 0.02)]
        #expect(rounds.listed(\.claimP99) == " (rounds 5.7 [29% stolen], 6.7)")
        #expect([Self.round(claimP99: 5.7, stolen: 0.29)].listed(\.claimP99) == "", "one round is its own median: no list")
    }
}
