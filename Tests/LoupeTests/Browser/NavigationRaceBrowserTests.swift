import Foundation
import LoupeJSON
import Testing

/// A screen the user has left draws nothing: signing in opens the queue, whose API calls can still be out when the user
/// opens Admin; when they come back, the queue used to replace the admin screen (the accessibility test's admin wait
/// timed out on a loaded machine this way).
@Suite(.serialized) struct NavigationRaceBrowserTests {
    @Test func aScreenLeftWhileItsCallsWereOutDoesNotDrawOverTheNextOne() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        let site = try await BrowserSite.start(users: [("olga@example.com", "admin")])
        defer { site.server.process.terminate() }
        _ = try await site.api("PUT", "/v1/tasks/invoice", ["output_schema": ["type": "object"]])

        try await browser.go(site.server.baseURL + "/#/login")
        try await browser.waitUntil("document.getElementById('email')")
        // The page's own fetch, with `GET /v1/queue` held until the test lets it go, and a count of calls still out.
        _ = try await browser.script("""
            const fetchNow = window.fetch.bind(window);
            let release; const held = new Promise((resolve) => { release = resolve; });
            window.releaseQueue = release; window.callsOut = 0; window.queueAsked = false;
            window.fetch = async (url, init) => {
              window.callsOut++;
              try {
                if (String(url).includes('/v1/queue')) { window.queueAsked = true; await held; }
                return await fetchNow(url, init);
              } finally { setTimeout(() => { window.callsOut--; }, 0); }
            };
            return true;
            """)
        try await browser.type("#email", "olga@example.com")
        try await browser.type("#password", "password-1234")
        try await browser.click("form.login button[type=submit]")
        try await browser.waitUntil("window.queueAsked")

        _ = try await browser.script("location.hash = '#/admin'; return true")
        try await browser.waitUntil("document.getElementById('people-table') && document.getElementById('keys')")
        _ = try await browser.script("window.releaseQueue(); return true")
        // The queue screen's calls (its figures ask for more after the queue) have all come back and been drawn.
        try await browser.waitUntil("window.callsOut === 0")
        _ = try await browser.script("return new Promise((resolve) => requestAnimationFrame(() => setTimeout(() => resolve(true), 0)))")

        let shown = try await browser.script("""
            return { admin: !!document.getElementById('people-table'), queue: !!document.getElementById('queue-table'),
                     hash: location.hash, flash: document.getElementById('flash').textContent };
            """)
        #expect(shown["admin"] == true, "\(shown)")
        #expect(shown["queue"] == false, "\(shown)")
        #expect(shown["hash"] == "#/admin", "\(shown)")
        #expect(shown["flash"] == "", "\(shown)")
    }
}
