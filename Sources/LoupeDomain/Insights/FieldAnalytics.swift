import Foundation
import LoupeJSON

/// Items and human verdicts for one output field in one band of the model's confidence in that field.
public struct FieldTally: Sendable, Equatable {
    /// A JSON Pointer into the output, array indices written `*` (`/lines/*/amount`).
    public let pointer: String
    public let band: Int
    public let items: Int
    public let reviewed: Int
    /// Reviewed, and the final output differs at this field (or at a field holding it).
    public let corrected: Int

    public init(pointer: String, band: Int, items: Int, reviewed: Int, corrected: Int) {
        self.pointer = pointer
        self.band = band
        self.items = items
        self.reviewed = reviewed
        self.corrected = corrected
    }
}

/// What the threshold-science endpoints (fields, risk–coverage) filter on.
public struct AnalyticsFilter: Sendable {
    public var promptVersion: String?
    public var model: String?
    public var days = 30
    public init() {}
}

/// Per output field: how often people corrected it (a Wilson 95% interval), by the model's confidence in it, and
/// the lowest field threshold whose estimated error stays under the target, estimated as the task's suggested
/// threshold is (bands weighted by the items they hold, since above the current threshold only audits are reviewed).
public enum FieldAnalytics {
    public static func json(_ tallies: [FieldTally], target: Double, minSample: Int) -> JSONValue {
        let byPointer = Dictionary(grouping: tallies, by: \.pointer)
        let fields: [JSONValue] = byPointer.keys.sorted().map { pointer in
            let rows = byPointer[pointer]!
            let reviewed = rows.reduce(0) { $0 + $1.reviewed }, corrected = rows.reduce(0) { $0 + $1.corrected }
            let rate = reviewed == 0 ? nil : Double(corrected) / Double(reviewed)
            var bands = (0...9).map { ConfidenceBand(index: $0, items: 0, reviewed: 0, approvedUnchanged: 0) }
            for row in rows where (0...9).contains(row.band) {
                bands[row.band] = ConfidenceBand(index: row.band, items: row.items, reviewed: row.reviewed,
                                                 approvedUnchanged: row.reviewed - row.corrected)
            }
            var o: JSONObject = [
                "pointer": .string(pointer), "reviewed": .int(reviewed), "corrected": .int(corrected),
                "correction_rate": rate.map { .double(round4($0)) } ?? .null,
                "ci": rate.map { r in .array([.double(round4(Calibration.wilsonLower(p: r, n: reviewed))),
                                              .double(round4(Calibration.wilsonUpper(p: r, n: reviewed)))]) } ?? .null,
                "bands": .array(bands.filter { $0.items > 0 }.map { band in
                    ["from": .double(Double(band.index) / 10), "to": .double(Double(band.index + 1) / 10), "items": .int(band.items),
                     "n": .int(band.reviewed), "corrected": .int(band.wrong)]
                }),
            ]
            if let s = Calibration.suggest(bands, target: target, minSample: minSample) {
                o["suggested_threshold"] = .double(s.threshold)
                o["why"] = .string("from \(JSONNumber(s.threshold).literal) up, \(s.sampleSize) reviewed items put the estimated error at "
                    + "\(JSONNumber(round4(s.estimatedError)).literal), 95% upper bound \(JSONNumber(round4(s.wilsonUpper)).literal) ≤ \(JSONNumber(target).literal)")
            } else {
                o["suggested_threshold"] = .null
                o["why"] = .string(reviewed < minSample
                    ? "only \(reviewed) reviewed items; a suggestion needs at least \(minSample) above the threshold"
                    : "no threshold keeps the 95% upper bound on this field's error under \(JSONNumber(target).literal) with \(minSample) reviewed items above it")
            }
            return .object(o)
        }
        return ["fields": .array(fields), "target_error": .double(target), "min_sample": .int(minSample)]
    }

    static func round4(_ x: Double) -> Double { (x * 10000).rounded() / 10000 }
}
