import Foundation

/// Time-ordered UUIDs (RFC 9562 v7): ids sort by creation, which keyset pagination and index locality use.
public enum UUIDv7 {
    public static func make(at date: Date) -> UUID {
        let ms = UInt64(max(0, date.timeIntervalSince1970 * 1000))
        var rng = SystemRandomNumberGenerator()
        let r1 = rng.next() as UInt64, r2 = rng.next() as UInt16
        var b = [UInt8](repeating: 0, count: 16)
        for i in 0..<6 { b[i] = UInt8(truncatingIfNeeded: ms >> (40 - 8 * UInt64(i))) }
        b[6] = 0x70 | UInt8(r2 & 0x0F)
        b[7] = UInt8(truncatingIfNeeded: r2 >> 8)
        for i in 0..<8 { b[8 + i] = UInt8(truncatingIfNeeded: r1 >> (8 * UInt64(i))) }
        b[8] = 0x80 | (b[8] & 0x3F)
        return UUID(uuid: (b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7], b[8], b[9], b[10], b[11], b[12], b[13], b[14], b[15]))
    }
}
