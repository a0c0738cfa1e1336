import Foundation
import JSONSchema
import LoupeJSON

/// Adversarial `pattern` keywords on 1 MiB strings: the slowest single validation must stay under 50 ms,
/// and the same catastrophic pattern on Foundation's backtracking engine is shown for scale.
struct PatternScenarios {
    static let patterns = ["^(a+)+$", "(a|aa)*b", "(a*)*b", "^(a|a)*$", "(.*a){20}", "^([a-z]+\\s?)*$", "a{0,1000}b",
                           "(?=(a+))\\1b", "^(\\w+\\s?)*$", "^[a-z]+$", "(x+x+)+y"]

    func run(into report: Report) throws {
        let mib = 1 << 20
        let inputs = [String(repeating: "a", count: mib) + "!", String(repeating: "ab ", count: mib / 3) + "!",
                      String(repeating: "x", count: mib)]
        var worst = 0.0, total = 0.0, runs = 0, slowest = ""
        for pattern in Self.patterns {
            let schema = Schema(["type": "string", "pattern": .string(pattern)])
            for input in inputs {
                let value = JSONValue.string(input)
                let started = ContinuousClock.now
                _ = schema.validate(value)
                let ms = Self.milliseconds(ContinuousClock.now - started)
                if ms > worst { worst = ms; slowest = "\(pattern) on \(input.prefix(3))…" }
                total += ms
                runs += 1
            }
        }
        report.row("slowest of \(runs) adversarial pattern checks on 1 MiB strings (\(slowest))", worst, unit: "ms", limit: 50, target: "< 50 ms")
        report.row("mean of those checks", total / Double(runs), unit: "ms", limit: nil)
        // For scale: what ^(a+)+$ cost on the engine Loupe used before (NSRegularExpression), on only 22 characters.
        let old = try NSRegularExpression(pattern: "^(a+)+$")
        let short = String(repeating: "a", count: 22) + "!"
        let started = ContinuousClock.now
        _ = old.firstMatch(in: short, range: NSRange(short.startIndex..., in: short))
        report.row("previous engine (NSRegularExpression): ^(a+)+$ on 22 a's + '!'", Self.milliseconds(ContinuousClock.now - started),
                   unit: "ms", limit: nil)
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1000 + Double(d.components.attoseconds) / 1e15
    }
}
