import Foundation
import LoupeDomain
import Testing

@Suite struct EncodingTests {
    /// Mid-millisecond instants: no rounding ambiguity between the two formatters.
    @Test func handWrittenTimestampsMatchFoundation() {
        var rng = SystemRandomNumberGenerator()
        let style = Date.ISO8601FormatStyle(includingFractionalSeconds: true)
        let fixed: [Int64] = [0, 951_782_400_500, 4_102_444_799_999, 1_709_251_199_001, -86_400_250, 1_800_000_000_000]
        let random = (0..<2000).map { _ in Int64.random(in: 0...4_102_444_799_999, using: &rng) }
        for ms in fixed + random {
            let date = Date(timeIntervalSince1970: (Double(ms) + 0.4) / 1000)
            #expect(Timestamp.string(date) == date.formatted(style), "\(ms)")
        }
    }

    /// On exact milliseconds the hand-written formatter keeps the millisecond Foundation loses to binary rounding.
    @Test func exactMillisecondsAreKept() {
        #expect(Timestamp.string(Date(timeIntervalSince1970: 1_709_251_199.001)) == "2024-02-29T23:59:59.001Z")
        #expect(Timestamp.string(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00.000Z")
    }
}
