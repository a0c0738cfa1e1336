import Foundation
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 15, point 3, in Chromium: the next item is claimed in the background under a short lease, so it shows the
/// moment the decision is saved; measured from the decision key to the next item on the page, over 50 items.
@Suite(.serialized) struct NextItemBrowserTests {
    @Test func theNextItemShowsWithoutAClaimRoundTripAndIsReleasedOnSignOut() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        let site = try await BrowserSite.start(users: [("rita@example.com", "reviewer")])
        let server = site.server
        defer { server.process.terminate() }
        _ = try await site.api("PUT", "/v1/tasks/invoice", ["output_schema": [
            "type": "object", "required": ["vendor", "total"],
            "properties": ["vendor": ["type": "string"], "total": ["type": "number"]]], "lease_seconds": 600])
        var batch: [JSONValue] = []
        for i in 0..<52 {
            batch.append(["task": "invoice", "input": .string("Invoice \(i): ACME Hosting GmbH, Musterstraße 1, total \(40 + i).00 EUR, due in 30 days"),
                          "output": ["vendor": "ACME Hosting GmbH", "total": .int(40 + i)], "confidence": 0.6])
        }
        #expect(try await site.api("POST", "/v1/items/batch", ["items": .array(batch)]).0 == 200)

        try await site.signIn(browser, as: "rita@example.com")
        try await browser.waitUntil("document.getElementById('start-review')")
        try await browser.click("#start-review")
        try await browser.waitUntil("document.getElementById('review')?.dataset.nextReady === 'true'")
        // The item ahead is leased to her, briefly: 2 minutes, not the task's 10.
        let leases = try await HTTP.request("GET", server.baseURL + "/v1/items?status=in_review", key: site.admin).1["items"]?.arrayValue ?? []
        #expect(leases.count == 2)
        let shortest = leases.compactMap { $0["lease"]?["expires_at"]?.stringValue.flatMap { Timestamp.parse($0) } }.min() ?? .distantFuture
        #expect(shortest.timeIntervalSinceNow < 180, "the item claimed ahead has a short lease")

        // From the key to the next item's form on the page: the page records both moments itself.
        _ = try await browser.script("""
            window.__waits = [];
            document.addEventListener('keydown', (e) => { if (e.key === 'a') window.__pressed = performance.now(); }, true);
            let shown = document.getElementById('review').dataset.itemId;
            new MutationObserver(() => {
              const now = document.getElementById('review')?.dataset.itemId;
              if (now && now !== shown && document.querySelector('#output-form [data-pointer]')) {
                shown = now;
                window.__waits.push(performance.now() - window.__pressed);
              }
            }).observe(document.getElementById('main'), { childList: true, subtree: true });
            return true
            """)
        // Each item shown after the key is the one claimed ahead while the previous one was on screen: no claim stood
        // between the decision and the next item. (How long that takes is printed for the README, not asserted.)
        var fromAhead = 0
        for round in 1...50 {
            let onScreen = try await browser.script("return document.getElementById('review').dataset.itemId").stringValue
            let leased = try await HTTP.request("GET", server.baseURL + "/v1/items?status=in_review", key: site.admin).1["items"]?
                .arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
            let ahead = leased.filter { $0 != onScreen }
            try await browser.press("a")
            try await browser.waitUntil("window.__waits.length === \(round) && document.getElementById('review')?.dataset.nextReady === 'true'")
            let shown = try await browser.script("return document.getElementById('review').dataset.itemId").stringValue
            if ahead.count == 1, shown == ahead[0] { fromAhead += 1 }
        }
        #expect(fromAhead == 50, "every next item was the one claimed ahead: \(fromAhead) of 50")
        let waits = (try await browser.script("return window.__waits").arrayValue ?? []).compactMap(\.doubleValue).sorted()
        #expect(waits.count == 50)
        let p50 = waits[waits.count / 2], p95 = waits[Int(Double(waits.count) * 0.95) - 1]
        print("next item after the decision key, \(waits.count) items: p50 \(Int(p50)) ms, p95 \(Int(p95)) ms, max \(Int(waits.last ?? 0)) ms")

        // Signing out gives the item claimed ahead back to the queue; the one on screen stays hers to resume.
        try await browser.click("#logout")
        try await browser.waitUntil("document.getElementById('email')")
        let after = try await HTTP.request("GET", server.baseURL + "/v1/items?status=in_review", key: site.admin).1["items"]?.arrayValue ?? []
        #expect(after.count == 1, "only the item on screen is still leased: \(after.count)")
    }
}
