import Foundation
import LoupeJSON
import Testing

/// Issue 15, point 4, in Chromium: a reviewer filters the queue, previews the count, approves, and undoes.
@Suite(.serialized) struct BulkBrowserTests {
    @Test func aReviewerBulkApprovesWhatThePreviewShowedAndUndoesIt() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        let site = try await BrowserSite.start(users: [("rita@example.com", "reviewer")])
        let server = site.server
        defer { server.process.terminate() }
        _ = try await site.api("PUT", "/v1/tasks/invoice", ["output_schema": [
            "type": "object", "required": ["vendor", "total"],
            "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]]])
        var same: [String] = []
        for i in 0..<6 {
            let posted = try await site.api("POST", "/v1/items", ["task": "invoice", "input": .string("Monthly hosting invoice \(i) from ACME, 49.00 EUR"),
                                                                 "output": ["vendor": "ACME", "total": 49], "confidence": 0.8])
            same.append(posted.1["id"]?.stringValue ?? "")
        }
        let invalid = try await site.api("POST", "/v1/items", ["task": "invoice", "input": "Monthly hosting invoice from ACME, illegible total",
                                                               "output": ["vendor": "ACME", "total": "4g.00"], "confidence": 0.8]).1["id"]?.stringValue ?? ""
        let other = try await site.api("POST", "/v1/items", ["task": "invoice", "input": "Globex consulting, 12,000 EUR",
                                                             "output": ["vendor": "Globex", "total": 12000], "confidence": 0.8]).1["id"]?.stringValue ?? ""

        try await site.signIn(browser, as: "rita@example.com")
        try await browser.waitUntil("document.getElementById('bulk-form')")
        try await browser.type("#bulk-min", "0.75")
        try await browser.type("#bulk-text", "acme")
        try await browser.click("#bulk-form button[type=submit]")
        try await browser.waitUntil("document.getElementById('bulk-count')")
        let count = try await browser.text("#bulk-count")
        #expect(count.contains("6 items match") && count.contains("1 more are invalid"), "\(count)")
        #expect(try await browser.script("return document.querySelectorAll('#bulk-preview tbody tr').length") == 6)
        try await browser.screenshot(to: ReviewerBrowserTests.screenshots + "/bulk-preview.png")

        try await browser.click("#bulk-approve")
        try await browser.waitUntil("document.getElementById('bulk-done')")
        #expect(try await browser.text("#bulk-done").contains("Approved 6 items"))
        for id in same { #expect(try await site.api("GET", "/v1/items/\(id)").1["status"] == "approved") }
        #expect(try await site.api("GET", "/v1/items/\(invalid)").1["status"] == "pending", "never an invalid output")
        #expect(try await site.api("GET", "/v1/items/\(other)").1["status"] == "pending", "not matched by the filter")

        try await browser.click("#bulk-undo")
        try await browser.waitUntil("document.getElementById('flash').textContent.includes('6 items are back in the queue')")
        for id in same { #expect(try await site.api("GET", "/v1/items/\(id)").1["status"] == "pending") }
        #expect(try await browser.text("#queue-table tr[data-task=\"invoice\"]").contains("8"))
    }
}
