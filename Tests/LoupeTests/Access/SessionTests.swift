import Foundation
import Hummingbird
import LoupeAPI
import LoupeDomain
import LoupeJSON
import Testing

@Suite struct SessionTests {
    static let password = "correct horse battery"

    func makeReviewer(_ f: LoupeFixture, email: String = "rita@example.com") async throws {
        let hash = try await PasswordHasher(cost: 4).hash(Self.password)
        _ = try await f.store.users.create(email: email, role: .reviewer, passwordHash: hash, now: f.clock.now())
    }

    func signIn(_ f: LoupeFixture, email: String = "rita@example.com", password: String = password) async throws -> TestReply {
        try await f.call(.post, "/v1/session", as: nil, json: ["email": .string(email), "password": .string(password)])
    }

    /// The cookie pair to send back, from a Set-Cookie header.
    func cookie(_ reply: TestReply) -> String {
        String(reply.headers[.setCookie]?.split(separator: ";").first ?? "")
    }

    @Test func signInSetsAStrictHttpOnlyCookieAndCookieWritesNeedTheCSRFToken() async throws {
        try await withLoupe { f in
            try await makeReviewer(f)
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let id = try await f.submit("invoice", confidence: 0.1)

            let wrong = try await signIn(f, password: "nope")
            #expect(wrong.status == 401)
            #expect(wrong.isProblem)

            let reply = try await signIn(f)
            #expect(reply.status == 201)
            let setCookie = reply.headers[.setCookie] ?? ""
            #expect(setCookie.contains("HttpOnly"))
            #expect(setCookie.contains("SameSite=Strict"))
            let cookie = cookie(reply)
            let csrf = reply.json["csrf_token"]?.stringValue ?? ""
            #expect(reply.json["user"]?["role"] == "reviewer")

            let me = try await f.call(.get, "/v1/session", as: nil, headers: [.cookie: cookie])
            #expect(me.json["user"]?["email"] == "rita@example.com")
            #expect(me.json["csrf_token"]?.stringValue == csrf)

            let noToken = try await f.call(.post, "/v1/review/claim", as: nil, headers: [.cookie: cookie])
            #expect(noToken.status == 403)
            #expect(noToken.json["detail"]?.stringValue?.contains("X-CSRF-Token") == true)
            let forged = try await f.call(.post, "/v1/review/claim", as: nil, headers: [.cookie: cookie, HTTPFields.Element.Name("X-CSRF-Token")!: "guess"])
            #expect(forged.status == 403)

            let csrfHeaders: HTTPFields = [.cookie: cookie, HTTPFields.Element.Name("X-CSRF-Token")!: csrf]
            let claimed = try await f.call(.post, "/v1/review/claim", as: nil, headers: csrfHeaders)
            #expect(claimed.json["id"]?.stringValue == id)
            let decided = try await f.call(.post, "/v1/items/\(id)/decision", as: nil, json: ["action": "approve"], headers: csrfHeaders)
            #expect(decided.json["decision"]?["by"] == "user:rita@example.com", "decisions record the person")

            // A reviewer session is still only a reviewer.
            #expect(try await f.call(.put, "/v1/tasks/x", as: nil, json: ["output_schema": true], headers: csrfHeaders).status == 403)

            let out = try await f.call(.delete, "/v1/session", as: nil, headers: csrfHeaders)
            #expect(out.status == 204)
            #expect(out.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await f.call(.get, "/v1/session", as: nil, headers: [.cookie: cookie]).status == 401)
        }
    }

    @Test func sessionsExpire() async throws {
        try await withLoupe { f in
            try await makeReviewer(f)
            let cookie = cookie(try await signIn(f))
            #expect(try await f.call(.get, "/v1/review/leases", as: nil, headers: [.cookie: cookie]).status == 200)
            f.clock.advance(12 * 3600 + 1)
            let expired = try await f.call(.get, "/v1/review/leases", as: nil, headers: [.cookie: cookie])
            #expect(expired.status == 401)
            #expect(expired.json["detail"]?.stringValue?.contains("expired") == true)
        }
    }

    @Test func repeatedFailedSignInsAreSlowedDown() async throws {
        try await withLoupe { f in
            try await makeReviewer(f)
            for _ in 0..<LoginThrottle.freeAttempts {
                #expect(try await signIn(f, password: "wrong").status == 401)
            }
            let throttled = try await signIn(f)
            #expect(throttled.status == 429, "even the right password waits after repeated failures")
            #expect(throttled.headers[.retryAfter] == "1")
            f.clock.advance(1)
            #expect(try await signIn(f).status == 201)
            // Success clears the record.
            #expect(try await signIn(f, password: "wrong").status == 401)
            #expect(try await signIn(f).status == 201)
            // Unknown emails are throttled the same way, so probing reveals nothing.
            for _ in 0..<6 { _ = try await signIn(f, email: "ghost@example.com") }
            #expect(try await signIn(f, email: "ghost@example.com").status == 429)
        }
    }
}
