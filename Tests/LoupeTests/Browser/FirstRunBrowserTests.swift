import Foundation
import LoupeJSON
import Testing

/// Issue 15, first run: with no admin account, `loupe serve` logs a one-time setup link; the sign-in page says so;
/// the link creates the first admin in the browser, once.
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
        #expect(await server.terminate() == 0)
    }
}
