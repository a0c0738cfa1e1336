import Foundation
import JSONSchema
import LoupeJSON
import Testing

/// Runs the official JSON-Schema-Test-Suite (draft 2020-12) from ../shared, never a copy in this repository.
@Suite struct ConformanceTests {
    static let suiteDirectory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/conformance/json-schema-test-suite/tests/draft2020-12").standardized

    @Test func draft2020_12AgreementIsAtLeast95Percent() throws {
        let fm = FileManager.default
        guard fm.fileExists(atPath: Self.suiteDirectory.path) else {
            print("JSON-Schema-Test-Suite not found at \(Self.suiteDirectory.path); skipping conformance (CI always has it)")
            return
        }
        let files = try fm.contentsOfDirectory(atPath: Self.suiteDirectory.path)
            .filter { $0.hasSuffix(".json") && $0 != "refRemote.json" }.sorted()
        var passed = 0, total = 0
        var failures: [String: Int] = [:]
        let options = JSONParser.Options(maxDepth: 512, rejectNul: false)
        for file in files {
            let data = try Data(contentsOf: Self.suiteDirectory.appendingPathComponent(file))
            guard case .array(let groups) = try JSONParser.parse(data, options: options) else { continue }
            for group in groups {
                let schema = Schema(group["schema"]!, options: .init(assertFormats: false))
                for test in group["tests"]?.arrayValue ?? [] {
                    total += 1
                    let expected = test["valid"]?.boolValue ?? false
                    let valid = schema.validate(test["data"]!).isEmpty
                    #expect(schema.isValid(test["data"]!) == valid, "fast path disagrees in \(file)")
                    if valid == expected { passed += 1 } else { failures[file, default: 0] += 1 }
                }
            }
        }
        let rate = Double(passed) / Double(max(total, 1)) * 100
        print(String(format: "JSON Schema 2020-12 conformance: %d/%d cases agree (%.1f%%)", passed, total, rate))
        for (file, count) in failures.sorted(by: { $0.key < $1.key }) { print("  disagreements in \(file): \(count)") }
        #expect(total > 1000)
        #expect(rate >= 95)
    }
}
