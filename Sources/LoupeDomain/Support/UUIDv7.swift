import Foundation
import Synchronization

/// Time-ordered UUIDs (RFC 9562 v7): ids sort by creation, which keyset pagination and index locality use.
public enum UUIDv7 {
    /// rand_a as a counter (RFC 9562 §6.2, method 1): ids made in the same millisecond by this process
    /// still sort in order, and only rand_b needs the system's randomness (one call per id, not two).
    private static let sequence = Atomic<UInt16>(UInt16.random(in: 0...0x0FFF))

    public static func make(at date: Date) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        let counter = sequence.wrappingAdd(1, ordering: .relaxed).oldValue & 0x0FFF
        var rng = SystemRandomNumberGenerator()
        let r = rng.next() as UInt64
        func byte(_ value: UInt64, _ shift: UInt64) -> UInt8 { UInt8(truncatingIfNeeded: value >> shift) }
        return UUID(uuid: (byte(ms, 40), byte(ms, 32), byte(ms, 24), byte(ms, 16), byte(ms, 8), byte(ms, 0),
                           0x70 | UInt8(counter >> 8), UInt8(truncatingIfNeeded: counter),
                           0x80 | (byte(r, 56) & 0x3F), byte(r, 48), byte(r, 40), byte(r, 32), byte(r, 24), byte(r, 16), byte(r, 8), byte(r, 0)))
    }
}
