import Foundation
import LoupeJSON
import Testing

/// The web UI in real headless Chromium against a real `loupe serve`.
@Suite(.serialized) struct ReviewerBrowserTests {
    static let screenshots = TestCluster.home + "/web-static/screenshots"
    static let xssOutput = #"<img src=x onerror="window.__xss=2">"#
    static let xssInput = "<script>window.__xss=1</script> Invoice from Evil Corp"

    @Test func reviewerSignsInApprovesCorrectsAndRejectsWithTheKeyboard() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        let site = try await BrowserSite.start(users: [("rita@example.com", "reviewer"), ("ana@example.com", "analyst")])
        let server = site.server
        defer { server.process.terminate() }
        let api = { (method: String, path: String, body: JSONValue?) in try await site.api(method, path, body) }
        _ = try await api("PUT", "/v1/tasks/invoice", ["output_schema": [
            "type": "object", "required": ["vendor", "total"],
            "properties": ["vendor": ["type": "string", "minLength": 1], "total": ["type": "number", "minimum": 0],
                           "due": ["type": "string", "format": "date"],
                           "currency": ["enum": ["EUR", "USD"]], "paid": ["type": "boolean"]],
        ], "field_thresholds": ["/total": 0.9], "instructions": "Compare vendor and total with the scan."])
        let a = try await api("POST", "/v1/items", ["task": "invoice", "external_id": "a", "input": "Invoice 1: ACME, total 120.00 EUR",
                                                    "output": ["vendor": "ACME", "total": 120, "currency": "EUR"], "confidence": 0.5,
                                                    "deadline_seconds": 3600, "on_deadline": "approve"]).1["id"]!.stringValue!
        let b = try await api("POST", "/v1/items", ["task": "invoice", "external_id": "b",
                                                    "input": ["text": "Globex SARL … total 250,00", "pages": 2],
                                                    "output": ["vendor": "Globex", "total": 25, "due": "2026-12-01", "currency": "EUR", "paid": false],
                                                    "confidence": 0.8, "field_confidence": ["/total": 0.31]]).1["id"]!.stringValue!
        let c = try await api("POST", "/v1/items", ["task": "invoice", "external_id": "c", "input": .string(Self.xssInput),
                                                    "output": ["vendor": .string(Self.xssOutput), "total": 1], "confidence": 0.4]).1["id"]!.stringValue!
        let d = try await api("POST", "/v1/items", ["task": "invoice", "external_id": "d", "input": "Globex invoice, total illegible",
                                                    "output": ["vendor": "Globex", "total": "12O.00"], "confidence": 0.71]).1["id"]!.stringValue!

        // Sign in; a wrong password is explained on the page.
        try await browser.go(server.baseURL + "/")
        try await browser.type("#email", "rita@example.com")
        try await browser.type("#password", "wrong-password")
        try await browser.click("form.login button[type=submit]")
        try await browser.waitUntil("document.getElementById('flash').textContent.includes('email or password is wrong')")
        try await browser.type("#password", "password-1234")
        try await browser.click("form.login button[type=submit]")
        try await browser.waitUntil("document.querySelector('#queue-table tr[data-task=\"invoice\"]')")
        #expect(try await browser.text("#queue-table tr[data-task=\"invoice\"]").contains("4"))

        // Claim and approve with `a`.
        try await browser.click("#start-review")
        try await browser.waitUntil("document.getElementById('review')?.dataset.itemId === '\(a)'")
        #expect(try await browser.text("#input").contains("ACME, total 120.00 EUR"))
        #expect(try await browser.text("#instructions") == "Compare vendor and total with the scan.")
        // Its deadline: the time left and what happens then (an agent may be waiting on it).
        // (45-60 minutes: a loaded machine may take many seconds from intake to the page.)
        try await browser.waitUntil("/^(4[5-9]|5\\d|60):\\d\\d$/.test(document.getElementById('deadline-left')?.textContent ?? '')")
        #expect(try await browser.text(".review-head").contains("then approve"))
        try await browser.press("a")
        try await browser.waitUntil("document.getElementById('review')?.dataset.itemId === '\(b)'")
        let approved = try await api("GET", "/v1/items/\(a)", nil).1
        #expect(approved["status"] == "approved")
        #expect(approved["decision"]?["by"] == "user:rita@example.com")

        // A comment for the lead with `c`: letters typed into it fire no shortcut, the comment shows at once.
        try await browser.press("c")
        try await browser.waitUntil("document.activeElement?.id === 'comment-text'")
        try await browser.type("#comment-text", "Total reads 250,00 in the scan; <b>check</b> the currency", clear: false)
        try await browser.click("#comment-flag")
        try await browser.click("#comment-form button[type=submit]")
        try await browser.waitUntil("document.getElementById('comments').textContent.includes('check</b> the currency')")
        #expect(try await browser.text("#comments").contains("flagged for the lead"))
        #expect(try await api("GET", "/v1/items/\(b)", nil).1["status"] == "in_review", "typing a comment decided nothing")
        _ = try await browser.script("document.activeElement.blur(); return true")

        // The low-confidence field is highlighted; edit with `e`; letters typed in fields fire no shortcut.
        #expect(try await browser.script("return document.querySelector('[data-field=\"/total\"]').classList.contains('low')") == true)
        try await browser.press("e")
        try await browser.waitUntil("!document.querySelector('input[data-pointer=\"/vendor\"]').disabled")
        try await browser.type("input[data-pointer=\"/vendor\"]", "Globex SARL")
        try await browser.type("input[data-pointer=\"/total\"]", "ten")
        try await browser.waitUntil("document.querySelector('[data-error-for=\"/total\"]').textContent.includes('expected number')")
        try await browser.press(WebDriver.enter, modifier: WebDriver.control)
        try await browser.waitUntil("document.getElementById('form-errors').textContent.includes('not valid against the task schema')")
        #expect(try await api("GET", "/v1/items/\(b)", nil).1["status"] == "in_review", "an invalid correction is not sent")

        try await browser.type("input[data-pointer=\"/total\"]", "250")
        try await browser.waitUntil("document.getElementById('diff').textContent.includes('/total')")
        #expect(try await browser.text("#form-errors").isEmpty, "fixed fields clear the error summary")
        let order = try await browser.script("return [...document.querySelectorAll('#output-form [data-pointer]')].map(e => e.dataset.pointer).join(',')")
        #expect(order == "/vendor,/total,/due,/currency,/paid", "the form follows the schema's property order")
        #expect(try await browser.text("#diff").contains("250"))
        try FileManager.default.createDirectory(atPath: Self.screenshots, withIntermediateDirectories: true)
        try await browser.screenshot(to: Self.screenshots + "/review.png")
        try await browser.press(WebDriver.enter, modifier: WebDriver.control)
        try await browser.waitUntil("document.getElementById('review')?.dataset.itemId === '\(c)'")
        let corrected = try await api("GET", "/v1/items/\(b)", nil).1
        #expect(corrected["status"] == "corrected")
        #expect(corrected["final_output"]?["total"] == 250)
        #expect(corrected["final_output"]?["vendor"] == "Globex SARL")

        // Model output and input are shown as text, never run as HTML.
        #expect(try await browser.text("#input").contains(Self.xssInput))
        #expect(try await browser.script("return document.querySelector('input[data-pointer=\"/vendor\"]').value") == .string(Self.xssOutput))
        #expect(try await browser.script("return typeof window.__xss") == "undefined")
        #expect(try await browser.script("return document.querySelectorAll('#review img, #review script').length") == 0)

        // Reject with `r`, giving a reason.
        try await browser.press("r")
        try await browser.waitUntil("document.activeElement?.id === 'reject-reason'")
        try await browser.type("#reject-reason", "duplicate invoice", clear: false)
        try await browser.click("#confirm-reject")
        try await browser.waitUntil("document.getElementById('review')?.dataset.itemId === '\(d)'")
        let rejected = try await api("GET", "/v1/items/\(c)", nil).1
        #expect(rejected["status"] == "rejected")
        #expect(rejected["decision"]?["reason"] == "duplicate invoice")

        // An output that is invalid against the schema cannot be approved: the button is disabled with the
        // reason beside it, and `a` only points at that reason.
        #expect(try await browser.script("return document.getElementById('approve').disabled") == true)
        #expect(try await browser.text("#approve-blocked").contains("/total"))
        try await browser.press("a")
        try await browser.waitUntil("document.activeElement?.id === 'approve-blocked'")
        #expect(try await api("GET", "/v1/items/\(d)", nil).1["status"] == "in_review", "nothing was sent")
        try await browser.press("r")
        try await browser.waitUntil("document.activeElement?.id === 'reject-reason'")
        try await browser.click("#confirm-reject")
        try await browser.waitUntil("document.getElementById('empty-queue')")
        // Her own figures on the queue page (issue 12, point 6): four decisions on invoice.
        try await browser.go(server.baseURL + "/#/queue")
        try await browser.waitUntil("document.getElementById('figures-table')")
        let figures = try await browser.text("#figures")
        #expect(figures.contains("Your figures") && figures.contains("invoice") && figures.contains("4"), "\(figures)")

        // The analyst view: charts, the item list, an item's history. The task's auto-approvals drift above its alert
        // (the drift monitor's verdict written as it would write it; DriftTests check the monitor itself).
        let drifting = try await Psql.run(url: site.databaseURL, """
            UPDATE tasks SET drift_target_error = 0.05, drift_window_days = 7 WHERE name = 'invoice';
            INSERT INTO task_drift (task, drifting, changed_at, checked_at, n, error, low, high)
            VALUES ('invoice', true, now(), now(), 40, 0.2, 0.105, 0.348)
            """)
        #expect(drifting.0 == 0, "\(drifting)")
        try await browser.click("#logout")
        try await browser.waitUntil("document.getElementById('email')")
        try await browser.type("#email", "ana@example.com")
        try await browser.type("#password", "password-1234")
        try await browser.click("form.login button[type=submit]")
        try await browser.waitUntil("document.querySelectorAll('svg.chart').length >= 6 && document.querySelector('#item-list tbody tr')")
        try await browser.screenshot(to: Self.screenshots + "/analyst.png")
        #expect(try await browser.text("#item-list").contains("corrected"))
        #expect(try await browser.text("#suggested-threshold").contains("not enough data"))
        #expect(try await browser.script("return document.getElementById('export-form').getAttribute('action')") == "/v1/export")
        // Threshold science: the risk–coverage curve with today's threshold, the per-field table, a what-if replay.
        try await browser.waitUntil("document.querySelector('#risk-coverage svg .marker-today') && document.getElementById('fields-table')")
        #expect(try await browser.text("#recommendation").contains("No recommendation"))
        let banner = try await browser.text("#drift-banner")
        #expect(banner.contains("20.0%") && banner.contains("40 audits") && banner.contains("5.0%"), "\(banner)")
        #expect(try await browser.text("#fields-table").contains("/total"))
        try await browser.type("#what-if-threshold", "0.1")
        try await browser.click("#what-if-form button[type=submit]")
        try await browser.waitUntil("document.getElementById('what-if-result').textContent.includes('newly auto-approved')")
        #expect(try await browser.text("#what-if-result").contains("At 0.1"))
        _ = try await browser.script("document.getElementById('threshold-science').scrollIntoView(); return true")
        try await browser.screenshot(to: Self.screenshots + "/thresholds.png")
        try await browser.go(server.baseURL + "/#/analyst/item/\(b)")
        try await browser.waitUntil("document.querySelector('#history tbody tr')")
        let history = try await browser.text("#history")
        #expect(history.contains("claimed") && history.contains("decided") && history.contains("user:rita@example.com"))
        // The correction side by side, word by word, as the reviewer saw it while editing.
        try await browser.waitUntil("document.querySelector('#history-diff ins')")
        let sideBySide = try await browser.text("#history-diff")
        #expect(sideBySide.contains("Globex SARL") && sideBySide.contains("/total"), "\(sideBySide)")
        #expect(try await browser.script("return document.querySelector('#history-diff ins').textContent.trim()") == "SARL")
        // The reviewer's comment is on the item for the analyst too.
        try await browser.waitUntil("document.getElementById('comments')?.textContent.includes('check</b> the currency')")
        // What the correction changed, as its patch.
        let changes = try await browser.text("#changes")
        #expect(changes.contains("replace") && changes.contains("/total"), "\(changes)")
    }
}
