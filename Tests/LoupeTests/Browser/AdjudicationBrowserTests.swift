import Foundation
import LoupeJSON
import Testing

/// Issue 12, point 6, in Chromium: two reviews disagree; the lead opens Disputes, sees both side by side with the
/// differing field marked, and decides like one of them.
@Suite(.serialized) struct AdjudicationBrowserTests {
    @Test func aLeadAdjudicatesADisputeFromTheReviewsSideBySide() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        let site = try await BrowserSite.start(users: [("lena@example.com", "lead")])
        let server = site.server
        defer { server.process.terminate() }
        _ = try await site.api("PUT", "/v1/tasks/invoice", ["output_schema": [
            "type": "object", "required": ["vendor", "total"],
            "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]], "reviews_required": 2])
        let id = try await site.api("POST", "/v1/items", ["task": "invoice", "input": "ACME invoice, total 99.00 EUR",
                                                          "output": ["vendor": "ACME", "total": 9], "confidence": 0.4]).1["id"]?.stringValue ?? ""
        var keys: [String: String] = [:]
        for (name, body) in [("first", ["action": "approve"] as JSONValue), ("second", ["action": "correct", "output": ["vendor": "ACME", "total": 99]])] {
            let key = try await site.api("POST", "/v1/keys", ["name": .string(name), "role": "reviewer"]).1["key"]?.stringValue ?? ""
            keys[name] = key
            #expect(try await HTTP.request("POST", server.baseURL + "/v1/review/claim", key: key).1["id"]?.stringValue == id)
            #expect(try await HTTP.request("POST", server.baseURL + "/v1/items/\(id)/decision", key: key, json: body).0 == 200)
        }
        #expect(try await site.api("GET", "/v1/items/\(id)").1["status"] == "disputed")

        try await site.signIn(browser, as: "lena@example.com")
        try await browser.waitUntil("document.querySelector('#nav a[href=\"#/disputes\"]')")
        try await browser.click("#nav a[href=\"#/disputes\"]")
        try await browser.waitUntil("document.getElementById('reviews') && document.getElementById('review')?.dataset.itemId === '\(id)'")
        #expect(try await browser.script("return document.querySelectorAll('#reviews thead th').length") == 3, "the field column and one per review")
        let differing = try await browser.script("return [...document.querySelectorAll('#reviews tr.differs')].map(r => r.dataset.pointer).join(',')")
        #expect(differing == "/total", "only the field the reviews disagree on is marked")
        try await browser.screenshot(to: ReviewerBrowserTests.screenshots + "/adjudication.png")

        try await browser.click("#pick-1")
        try await browser.waitUntil("document.getElementById('empty-queue')")
        #expect(try await browser.text("#empty-queue").contains("No disputed item"))
        let decided = try await site.api("GET", "/v1/items/\(id)").1
        #expect(decided["status"] == "corrected" && decided["final_output"] == ["vendor": "ACME", "total": 99])
        #expect(decided["decision"]?["by"] == "user:lena@example.com")

        // A gold item (issue 12, point 3) that "first" gets wrong in one field.
        _ = try await site.api("PUT", "/v1/tasks/invoice", ["output_schema": [
            "type": "object", "required": ["vendor", "total"],
            "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]], "reviews_required": 2, "gold_rate": 1])
        #expect(try await site.api("POST", "/v1/tasks/invoice/gold", ["input": "ACME invoice, total 12.50 EUR", "output": ["vendor": "ACME", "total": 12.5],
                                                                      "shown_output": ["vendor": "ACME", "total": 125]]).0 == 201)
        _ = try await site.api("POST", "/v1/items", ["task": "invoice", "input": "Initech invoice", "output": ["vendor": "Initech", "total": 5],
                                                     "confidence": 0.4])
        let goldCopy = try await HTTP.request("POST", server.baseURL + "/v1/review/claim", key: keys["first"]).1["id"]?.stringValue ?? ""
        #expect(try await HTTP.request("POST", server.baseURL + "/v1/items/\(goldCopy)/decision", key: keys["first"],
                                       json: ["action": "approve"]).0 == 200)

        // The lead's view of the reviewers: everyone's figures, the agreement of each review with the final decision,
        // and answers to gold items, whole and per field.
        try await browser.go(server.baseURL + "/#/queue")
        try await browser.waitUntil("document.querySelectorAll('#figures-table tbody tr').length === 3")
        let figures = try await browser.text("#figures")
        #expect(figures.contains("Reviewers") && figures.contains("first") && figures.contains("0.0% of 1") && figures.contains("100.0% of 1"), "\(figures)")
        #expect(figures.contains("Gold items right") && figures.contains("/total 0.0%, /vendor 100.0%"), "\(figures)")
    }
}
