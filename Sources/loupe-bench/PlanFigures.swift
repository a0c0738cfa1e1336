import Foundation
import LoupeJSON

/// One statement's `EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON)`, read for the soak: its pages and time, and each plan node
/// on standard error, so a statement slower at size says which index or table it reads more of, and from where.
struct PlanFigures {
    var hit = 0.0, read = 0.0, written = 0.0, ms = 0.0

    init() {}

    init(_ text: String, named name: String) throws {
        let plan = try JSONParser.parse(text)[0]?["Plan"] ?? .null
        SoakScenarios.progress("\(name) plan:\n" + Self.lines(plan, depth: 0).joined(separator: "\n"))
        // The top node counts what it pulls from its children; a data-modifying CTE nothing reads (a claim's history
        // row) runs after the top node finishes, so it is added.
        (hit, read, written, ms) = Self.own(plan)
        for child in plan["Plans"]?.arrayValue ?? [] where child["Subplan Name"]?.stringValue == "CTE event" {
            let (h, r, w, m) = Self.own(child)
            (hit, read, written, ms) = (hit + h, read + r, written + w, ms + m)
        }
    }

    /// The unit of the report's row: shared buffers hit, read from outside them, and written to make room (a dirty
    /// page evicted by the statement itself).
    var pages: String { String(format: "ms, %.0f pages hit, %.0f read, %.0f written", hit, read, written) }

    private static func own(_ node: JSONValue) -> (Double, Double, Double, Double) {
        (node["Shared Hit Blocks"]?.doubleValue ?? 0, node["Shared Read Blocks"]?.doubleValue ?? 0,
         node["Shared Written Blocks"]?.doubleValue ?? 0, node["Actual Total Time"]?.doubleValue ?? 0)
    }

    private static func lines(_ node: JSONValue, depth: Int) -> [String] {
        let name = [node["Subplan Name"], node["Node Type"], node["Index Name"] ?? node["Relation Name"]]
            .compactMap { $0?.stringValue }.joined(separator: " ")
        let (hit, read, written, ms) = own(node)
        let io = node["I/O Read Time"]?.doubleValue.map { String(format: ", %.3f ms reading", $0) } ?? ""
        let line = String(repeating: "  ", count: depth) + name
            + String(format: ": %.3f ms, %.0f hit, %.0f read, %.0f written, %.0f rows", ms, hit, read, written, node["Actual Rows"]?.doubleValue ?? 0)
            + io
        return [line] + (node["Plans"]?.arrayValue ?? []).flatMap { lines($0, depth: depth + 1) }
    }
}
