import Foundation
import HummingbirdTesting
import LoupeAPI
import LoupeDomain
import LoupeJSON
import Testing

/// Pentest findings 9 (CSV formulas), 10 (cookies and caching) and 13 (metrics token, CSRF comparison).
@Suite struct ExposureTests {
    @Test func csvCellsThatASpreadsheetWouldRunGetAQuoteAndJSONLStaysExact() async throws {
        try await withLoupe { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            _ = try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "t", "input": "x", "output": [:], "confidence": 0.5,
                                                                      "prompt_version": "@SUM(1+1)", "model": "=HYPERLINK(\"http://evil\",\"x\")"])
            try await f.decideNext("reject")
            let csv = try await f.call(.get, "/v1/export?task=t&format=csv", as: .analyst).text
            #expect(csv.contains(",'@SUM(1+1),"), "\(csv)")
            #expect(csv.contains(#""'=HYPERLINK(""http://evil"",""x"")""#), "\(csv)")
            #expect(!csv.contains(",@SUM") && !csv.contains(",=HYPERLINK"))
            let jsonl = try await f.call(.get, "/v1/export?task=t&format=jsonl", as: .analyst).text
            #expect(jsonl.contains(#""prompt_version":"@SUM(1+1)""#), "JSONL keeps the value byte for byte")
        }
    }

    @Test func sessionCookiesAreSecureBehindHTTPSAndAPIAnswersAreNotCached() async throws {
        try await withLoupe(configure: { $0.security.publicURL = "https://loupe.example.com" }) { f in
            let hash = try await PasswordHasher(cost: 4).hash("correct horse battery")
            _ = try await f.store.users.create(email: "rita@example.com", role: .reviewer, passwordHash: hash, now: f.clock.now())
            let signIn = try await f.call(.post, "/v1/session", as: nil, json: ["email": "rita@example.com", "password": "correct horse battery"])
            #expect(signIn.status == 201)
            #expect(signIn.headers[.setCookie]?.contains("Secure") == true, "\(signIn.headers[.setCookie] ?? "")")
            #expect(signIn.headers[.cacheControl] == "no-store")
            #expect(try await f.call(.get, "/v1/tasks", as: .reviewer).headers[.cacheControl] == "no-store")
            #expect(try await f.call(.get, "/v1/nothing", as: .reviewer).headers[.cacheControl] == "no-store", "problems too")
            let key = try await f.call(.post, "/v1/keys", json: ["name": "k", "role": "ingest"])
            #expect(key.headers[.cacheControl] == "no-store", "a response carrying a key is never cached")
        }
        try await withLoupe { f in
            let hash = try await PasswordHasher(cost: 4).hash("correct horse battery")
            _ = try await f.store.users.create(email: "rita@example.com", role: .reviewer, passwordHash: hash, now: f.clock.now())
            let plain = try await f.call(.post, "/v1/session", as: nil, json: ["email": "rita@example.com", "password": "correct horse battery"])
            #expect(plain.headers[.setCookie]?.contains("Secure") == false, "plain http on localhost cannot use Secure cookies")
        }
    }

    @Test func metricsCanBeKeptToTheScraper() async throws {
        try await withLoupe(configure: { $0.security.metricsToken = "scrape-token-0123456789" }) { (f: LoupeFixture) async throws in
            #expect(try await f.call(.get, "/metrics", as: nil).status == 401)
            #expect(try await f.call(.get, "/metrics", as: nil, headers: [.authorization: "Bearer wrong"]).status == 401)
            #expect(try await f.call(.get, "/metrics", as: nil, headers: [.authorization: "Bearer scrape-token-0123456789"]).status == 200)
        }
    }

    @Test func secretComparisonIsExact() {
        #expect(ConstantTime.equal("abc", "abc"))
        #expect(!ConstantTime.equal("abc", "abd"))
        #expect(!ConstantTime.equal("abc", "abcd"))
        #expect(!ConstantTime.equal("", "a"))
    }
}
