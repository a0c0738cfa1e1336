import Foundation
import LoupeJSON
import Synchronization

/// The benchmark's table and its one JSON line.
final class Report: Sendable {
    struct Row: Sendable {
        let name: String
        let value: Double
        let unit: String
        let limit: Double?
        let target: String
    }

    private let rows = Mutex<[Row]>([])

    func row(_ name: String, _ value: Double, unit: String, limit: Double?, target: String = "") {
        rows.withLock { $0.append(Row(name: name, value: value, unit: unit, limit: limit, target: target)) }
        FileHandle.standardError.write(Data("  \(name): \(String(format: "%.1f", value)) \(unit)\n".utf8))
    }

    func print(machine: String) {
        let all = rows.withLock { $0 }
        Swift.print("loupe-bench on \(machine)\n")
        Swift.print("| measurement | value | limit | ratio | target |")
        Swift.print("| --- | ---: | ---: | ---: | --- |")
        for r in all {
            let ratio = r.limit.map { String(format: "%.2f", r.value / $0) } ?? ""
            let limit = r.limit.map { String(format: "%.0f", $0) } ?? ""
            Swift.print("| \(r.name) | \(String(format: r.value < 100 ? "%.2f" : "%.0f", r.value)) \(r.unit) | \(limit) | \(ratio) | \(r.target) |")
        }
        var json = JSONObject()
        json["machine"] = .string(machine)
        for r in all {
            var o: JSONObject = ["value": .double((r.value * 100).rounded() / 100), "unit": .string(r.unit)]
            if let limit = r.limit {
                o["limit"] = .double((limit * 100).rounded() / 100)
                o["ratio"] = .double((r.value / limit * 100).rounded() / 100)
            }
            json[r.name] = .object(o)
        }
        Swift.print("\n" + JSONWriter.string(.object(json)))
    }
}
