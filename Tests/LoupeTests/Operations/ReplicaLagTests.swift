import Foundation
import LoupeStore
import Testing

/// How far a replica trails: the age of the oldest primary WAL position it has not replayed.
@Suite struct ReplicaLagTests {
    @Test func lagIsTheAgeOfTheOldestUnreplayedPosition() {
        let t0 = Date(timeIntervalSince1970: 1_800_000_000)
        var lag = ReplicaLag(window: 60)
        for second in 0..<10 { lag.record(primary: UInt64(100 + second * 10), at: t0.addingTimeInterval(Double(second))) }
        let now = t0.addingTimeInterval(10)
        #expect(lag.seconds(replayed: 190, now: now) == 0, "replayed everything the primary wrote")
        #expect(lag.seconds(replayed: 150, now: now) == 4, "position 160 was written at second 6")
        #expect(lag.seconds(replayed: 0, now: now) == 10)
        // An idle primary (the same position every second) does not make an up-to-date replica look late.
        var idle = ReplicaLag(window: 60)
        for second in 0..<30 { idle.record(primary: 500, at: t0.addingTimeInterval(Double(second))) }
        #expect(idle.seconds(replayed: 500, now: t0.addingTimeInterval(30)) == 0)
        #expect(ReplicaLag.parse("16/B374D848") == 0x16_B374_D848 && ReplicaLag.parse("nonsense") == nil)
    }
}
