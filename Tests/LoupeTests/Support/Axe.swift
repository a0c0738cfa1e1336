import Foundation
import LoupeJSON

/// axe-core, the accessibility checker, as the PyPI package axe-selenium-python ships it (`.ci/install-deps`
/// installs it): injected into the page through WebDriver, run against WCAG 2 A and AA (the rules axe-core 3.1 tags so).
enum Axe {
    /// axe.min.js from the installed package; an error naming the install step when it is missing.
    static func source() throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import axe_selenium_python, os; print(os.path.dirname(axe_selenium_python.__file__))"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        let directory = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        process.waitUntilExit()
        let path = directory + "/node_modules/axe-core/axe.min.js"
        guard process.terminationStatus == 0, let source = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw HarnessError(message: "axe-core not found: pip install axe-selenium-python (.ci/install-deps does)")
        }
        return source
    }

    /// The page's WCAG 2 A/AA violations now, one line each: rule, impact, and the elements.
    static func violations(_ browser: WebDriver, source: String) async throws -> [String] {
        _ = try await browser.script("if (!window.axe) { \(source)\n }; return true")
        _ = try await browser.script("""
            window.__axe = null;
            axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } })
              .then((r) => { window.__axe = r.violations.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`); })
              .catch((e) => { window.__axe = ['axe failed: ' + e]; });
            return true
            """)
        try await browser.waitUntil("window.__axe !== null", timeout: 60)
        return (try await browser.script("return window.__axe").arrayValue ?? []).compactMap(\.stringValue)
    }
}
