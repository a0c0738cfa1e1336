import Foundation
import LoupeJSON
import Testing

/// Issue 15, first run: with no admin account, `loupe serve` logs a one-time setup link; the sign-in page says so;
/// the link creates the first admin in the browser, once. Then (issue 15, point 6) that admin invites a reviewer, who
/// signs in through the invitation link, and deactivates them.
@Suite(.serialized) struct FirstRunBrowserTests {
    @Test func theSetupLinkCreatesTheFirstAdminOnce() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        // An admin API key is not an admin account: the setup link is still offered.
        let server = try await BrowserSite.start(users: []).server
        defer { server.process.terminate() }
        #expect(try await eventually { server.log.contains("first-run setup: ") }, "the setup link is logged:\n\(server.log)")
        let line = try #require(server.log.split(separator: "\n").first { $0.contains("first-run setup: ") })
        let token = String(try #require(line.components(separatedBy: "/setup?token=").last?.prefix { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }))
        #expect(token.count >= 40)
        let base = server.baseURL
        #expect(try await HTTP.request("GET", base + "/v1/setup").1["needed"] == true)
        let wrong = try await HTTP.request("POST", base + "/v1/setup", json: ["token": "not-the-token", "email": "o@example.com", "password": "long-enough-1"])
        #expect(wrong.0 == 403 && (wrong.1["detail"]?.stringValue ?? "").contains("setup link"))
        let short = try await HTTP.request("POST", base + "/v1/setup", json: ["token": .string(token), "email": "o@example.com", "password": "short"])
        #expect(short.0 == 422, "a bad password does not use the link up")

        try await browser.go(base + "/")
        try await browser.waitUntil("document.getElementById('setup-hint')")
        #expect(try await browser.text("#setup-hint").contains("setup link"))
        try await browser.go(base + "/setup?token=\(token)")
        try await browser.waitUntil("document.getElementById('setup-form')")
        try await browser.type("#setup-email", "Olga@Example.com")
        try await browser.type("#setup-password", "first-admin-pass")
        try await browser.type("#setup-again", "first-admin-pass")
        try await browser.click("#setup-form button[type=submit]")
        try await browser.waitUntil("document.querySelector('#nav a[href=\"#/admin\"]') && location.hash.startsWith('#/admin')")
        #expect(try await browser.text("#who").contains("olga@example.com (admin)"))

        // Once: the link is spent, the page no longer points to it, and the account signs in like any other.
        let again = try await HTTP.request("POST", base + "/v1/setup", json: ["token": .string(token), "email": "eve@example.com", "password": "long-enough-2"])
        #expect(again.0 == 409, "\(again.1)")
        #expect(try await HTTP.request("GET", base + "/v1/setup").1["needed"] == false)
        #expect(try await HTTP.request("POST", base + "/v1/session", json: ["email": "olga@example.com", "password": "first-admin-pass"]).0 == 201)

        // People: the admin invites a reviewer; the link is shown once, on the page.
        try await browser.waitUntil("document.getElementById('invite-form')")
        try await browser.type("#invite-email", "rita@example.com")
        _ = try await browser.script("document.getElementById('invite-role').value = 'reviewer'; return true")
        try await browser.type("#invite-groups", "de, invoices")
        try await browser.click("#invite-form button[type=submit]")
        try await browser.waitUntil("document.getElementById('setup-url')?.value.includes('/setup?token=')")
        let invitation = try await browser.script("return document.getElementById('setup-url').value").stringValue ?? ""
        #expect(try await browser.text("#people-table").contains("invited"))
        try await browser.click("#logout")
        try await browser.waitUntil("document.getElementById('email')")
        // The invited person opens the link, sees their email, chooses a password and is signed in as a reviewer.
        try await browser.go(invitation)
        try await browser.waitUntil("document.getElementById('setup-form') && document.getElementById('setup-email').value === 'rita@example.com'")
        try await browser.type("#setup-password", "rita-password-1")
        try await browser.type("#setup-again", "rita-password-1")
        try await browser.click("#setup-form button[type=submit]")
        try await browser.waitUntil("location.hash.startsWith('#/queue') && document.getElementById('who')?.textContent.includes('rita@example.com (reviewer)')")
        try await browser.click("#logout")
        try await browser.waitUntil("document.getElementById('email')")
        try await browser.go(invitation)
        try await browser.waitUntil("document.getElementById('setup-invalid')")

        // The admin deactivates her: she can no longer sign in.
        try await browser.go(base + "/#/login")
        try await browser.waitUntil("document.getElementById('email')")
        try await browser.type("#email", "olga@example.com")
        try await browser.type("#password", "first-admin-pass")
        try await browser.click("form.login button[type=submit]")
        try await browser.waitUntil("document.getElementById('who')?.textContent.includes('olga@example.com')")
        try await browser.go(base + "/#/admin")
        try await browser.waitUntil("document.getElementById('active-rita-example-com')")
        #expect(try await browser.script("return document.getElementById('groups-rita-example-com').value") == "de, invoices")
        try await browser.click("#active-rita-example-com")
        try await browser.waitUntil("document.getElementById('active-rita-example-com')?.textContent === 'Reactivate'")
        #expect(try await HTTP.request("POST", base + "/v1/session", json: ["email": "rita@example.com", "password": "rita-password-1"]).0 == 401)
        #expect(await server.terminate() == 0)
    }
}
