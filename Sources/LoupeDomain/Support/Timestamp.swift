import Foundation

/// RFC 3339 timestamps with milliseconds, UTC, as every API response and export writes them.
public enum Timestamp {
    /// `2026-11-23T05:28:19.408Z`. Written by hand: Foundation's formatter dominated export time per row.
    public static func string(_ date: Date) -> String {
        var bytes = [UInt8](repeating: 0, count: 24)
        write(date, into: &bytes, at: 0)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Appends the 24 bytes of `string(date)`.
    public static func append(_ date: Date, to out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: repeatElement(0, count: 24))
        write(date, into: &out, at: start)
    }

    private static func write(_ date: Date, into b: inout [UInt8], at i: Int) {
        let ms = Int64((date.timeIntervalSince1970 * 1000).rounded(.down))
        let days = ms >= 0 ? ms / 86_400_000 : (ms - 86_399_999) / 86_400_000
        let dayMs = ms - days * 86_400_000
        // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func digits(_ value: Int64, _ count: Int, _ at: Int) {
            var v = value
            for k in stride(from: at + count - 1, through: at, by: -1) {
                b[k] = UInt8(ascii: "0") + UInt8(v % 10)
                v /= 10
            }
        }
        digits(year, 4, i); b[i + 4] = UInt8(ascii: "-")
        digits(month, 2, i + 5); b[i + 7] = UInt8(ascii: "-")
        digits(day, 2, i + 8); b[i + 10] = UInt8(ascii: "T")
        digits(dayMs / 3_600_000, 2, i + 11); b[i + 13] = UInt8(ascii: ":")
        digits(dayMs / 60_000 % 60, 2, i + 14); b[i + 16] = UInt8(ascii: ":")
        digits(dayMs / 1000 % 60, 2, i + 17); b[i + 19] = UInt8(ascii: ".")
        digits(dayMs % 1000, 3, i + 20); b[i + 23] = UInt8(ascii: "Z")
    }

    public static func parse(_ text: String) -> Date? {
        (try? Date.ISO8601FormatStyle(includingFractionalSeconds: true).parse(text))
            ?? (try? Date.ISO8601FormatStyle().parse(text))
    }
}
