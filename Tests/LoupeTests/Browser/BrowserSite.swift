import Foundation
import LoupeJSON
import Testing

/// A real `loupe serve` on a fresh database for a browser test: an admin API key for setting up data, and people
/// (password "password-1234") to sign in as.
struct BrowserSite {
    let server: ServerProcess
    let admin: String
    let databaseURL: String

    static func start(users: [(email: String, role: String)]) async throws -> BrowserSite {
        let location = try await TestCluster.freshDatabase()
        // No drift check while the test runs: ReviewerBrowserTests writes a drift verdict by hand, and the monitor's
        // check (every 60 s by default) recomputed it from the real audits (none) and cleared it before the analyst's
        // page read it, once in a full run beside a soak (the banner was missing).
        let env = ["DATABASE_URL": try await TestCluster.databaseURL(location), "LOUPE_BCRYPT_COST": "4",
                   "LOUPE_DRIFT_INTERVAL_MS": "86400000"]
        let server = try ServerProcess(environment: env)
        #expect(try await server.waitUntilReady(), "\(server.log)")
        let admin = try await LoupeBinary.createKey(name: "setup", role: "admin", environment: env)
        for (email, role) in users {
            #expect(try await LoupeBinary.run(["users", "create", "--email", email, "--role", role], environment: env,
                                              stdin: "password-1234\n").0 == 0)
        }
        return BrowserSite(server: server, admin: admin, databaseURL: env["DATABASE_URL"] ?? "")
    }

    /// Signs `email` in on the sign-in page (every person `start` made has the password "password-1234") and waits until
    /// the page shows them signed in.
    func signIn(_ browser: WebDriver, as email: String) async throws {
        try await browser.go(server.baseURL + "/#/login")
        try await browser.waitUntil("document.getElementById('email')")
        try await browser.type("#email", email)
        try await browser.type("#password", "password-1234")
        try await browser.click("form.login button[type=submit]")
        try await browser.waitUntil("document.getElementById('who')?.textContent.includes('\(email)')")
    }

    /// A call with the admin key.
    func api(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> (Int, JSONValue) {
        try await HTTP.request(method, server.baseURL + path, key: admin, json: body)
    }
}
