import Foundation
import LoupeJSON
import Testing

/// Issue 15, point 8: axe-core finds no WCAG 2 A/AA violation on the sign-in, queue, review, analyst and admin screens.
@Suite(.serialized) struct AccessibilityBrowserTests {
    @Test func fiveScreensAreAxeClean() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        let axe = try Axe.source()
        let site = try await BrowserSite.start(users: [("rita@example.com", "reviewer"), ("ana@example.com", "analyst"), ("olga@example.com", "admin")])
        let server = site.server, base = server.baseURL
        defer { server.process.terminate() }
        _ = try await site.api("PUT", "/v1/tasks/support", ["output_schema": [
            "type": "object", "required": ["reply", "tone"],
            "properties": ["reply": ["type": "string", "maxLength": 5000, "contentMediaType": "text/markdown"],
                           "tone": ["enum": ["friendly", "formal"]], "refund": ["type": "boolean"]]],
            "instructions": "Check the reply answers the question.", "drift_alert": ["target_error": 0.05, "window_days": 7]])
        for i in 0..<4 {
            _ = try await site.api("POST", "/v1/items", ["task": "support", "input": .string("Customer \(i): my parcel is late, can I get a refund?"),
                                                        "output": ["reply": "Dear customer,\n\nsorry for the delay. **We refund the shipping.**", "tone": "friendly"],
                                                        "confidence": 0.6, "field_confidence": ["/tone": 0.4]])
        }
        var found: [String: [String]] = [:]

        try await browser.go(base + "/#/login")
        try await browser.waitUntil("document.querySelector('form.login')")
        found["sign-in"] = try await Axe.violations(browser, source: axe)

        try await site.signIn(browser, as: "rita@example.com")
        try await browser.waitUntil("document.getElementById('bulk-form')")
        found["queue"] = try await Axe.violations(browser, source: axe)
        try await browser.click("#start-review")
        try await browser.waitUntil("document.querySelector('#output-form [data-pointer]') && document.getElementById('comments')")
        found["review"] = try await Axe.violations(browser, source: axe)
        try await browser.click("#logout")
        try await browser.waitUntil("document.getElementById('email') && !document.getElementById('logout')")

        try await site.signIn(browser, as: "ana@example.com")
        try await browser.go(base + "/#/analyst")
        try await browser.waitUntil("document.getElementById('fields-table') && document.querySelector('#item-list tbody tr')")
        found["analyst"] = try await Axe.violations(browser, source: axe)
        try await browser.click("#logout")
        try await browser.waitUntil("document.getElementById('email') && !document.getElementById('logout')")

        try await site.signIn(browser, as: "olga@example.com")
        try await browser.go(base + "/#/admin")
        try await browser.waitUntil("document.getElementById('people-table') && document.getElementById('keys')")
        found["admin"] = try await Axe.violations(browser, source: axe)

        // The check itself can fail: an image without a text alternative, planted in the page, is found.
        _ = try await browser.script("document.getElementById('main').append(Object.assign(document.createElement('img'), { src: 'data:,' })); return true")
        let planted = try await Axe.violations(browser, source: axe)
        #expect(planted.contains { $0.hasPrefix("image-alt") }, "\(planted)")

        for (screen, violations) in found.sorted(by: { $0.key < $1.key }) {
            print("axe, \(screen): \(violations.isEmpty ? "no violations" : violations.joined(separator: "; "))")
            #expect(violations.isEmpty, "\(screen): \(violations)")
        }
        #expect(found.count == 5)
    }
}
