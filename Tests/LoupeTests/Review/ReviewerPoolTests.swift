import Foundation
import Hummingbird
import LoupeAPI
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 12, point 4: a task's `reviewers` (emails, groups, keys) limits who may claim its items, for people and keys.
@Suite struct ReviewerPoolTests {
    /// A signed-in person's cookie and CSRF token.
    func session(_ f: LoupeFixture, _ email: String, groups: [String]) async throws -> HTTPFields {
        let hash = try await PasswordHasher(cost: 4).hash("password-1234")
        let user = try await f.store.users.create(email: email, role: .reviewer, passwordHash: hash, now: f.clock.now())
        _ = try await f.store.users.update(user.id, PersonChange(groups: groups), now: f.clock.now())
        let signedIn = try await f.call(.post, "/v1/session", as: nil, json: ["email": .string(email), "password": "password-1234"])
        let cookie = String(signedIn.headers[.setCookie]?.split(separator: ";").first ?? "")
        return [.cookie: cookie, HTTPFields.Element.Name("X-CSRF-Token")!: signedIn.json["csrf_token"]?.stringValue ?? ""]
    }

    func claimTask(_ f: LoupeFixture, headers: HTTPFields = [:], key: String? = nil) async throws -> String? {
        let reply = try await f.call(.post, "/v1/review/claim", as: key == nil ? nil : .reviewer, key: key, headers: headers)
        guard reply.status == 200 else { return nil }
        return reply.json["task"]?.stringValue
    }

    @Test func onlyThePoolClaimsItsTasksItems() async throws {
        try await withLoupe { f in
            let pooled = try await f.store.keys.create(name: "pooled", role: .reviewer, tasks: nil, rateLimit: nil, now: f.clock.now())
            try await f.defineTask("german", ["output_schema": ["type": "object"], "reviewers": ["group:de"]])
            try await f.defineTask("bobs", ["output_schema": ["type": "object"], "reviewers": ["Bob@Example.com"]])
            try await f.defineTask("keyed", ["output_schema": ["type": "object"], "reviewers": [.string("key:\(pooled.id.uuidString.lowercased())")]])
            #expect(try await f.call(.get, "/v1/tasks/bobs").json["reviewers"] == ["bob@example.com"])
            for task in ["german", "bobs", "keyed"] {
                for _ in 0..<2 { _ = try await f.submit(task, input: "doc", output: [:], confidence: 0.1) }
            }
            let rita = try await session(f, "rita@example.com", groups: ["de"])
            let bob = try await session(f, "bob@example.com", groups: [])
            #expect(try await claimTask(f, headers: rita) == "german")
            #expect(try await claimTask(f, headers: rita) == "german")
            #expect(try await claimTask(f, headers: rita) == nil, "nothing else is hers to claim")
            #expect(try await claimTask(f, headers: bob) == "bobs")
            #expect(try await claimTask(f, key: pooled.key) == "keyed")
            #expect(try await claimTask(f, key: f.key(.reviewer)) == nil, "a key outside every pool claims nothing here")

            let bad = try await f.call(.put, "/v1/tasks/german", json: ["output_schema": ["type": "object"], "reviewers": ["group:a b", "nobody"]])
            #expect(bad.status == 422 && bad.json["errors"]?.arrayValue?.count == 2)
        }
    }

    /// Migration 0040: the pool check every claim makes is PL/pgSQL, whose plans last the session; as a SQL function with
    /// a sub-select it was planned again inside every claim (0.27–0.35 ms of a 1.9–2.3 ms claim, 0.05–0.09 ms now). Its
    /// answers are the SQL function's: an empty pool admits everyone, then an email, a key or a group of the person's.
    @Test func thePoolCheckIsPlannedOncePerSessionAndAnswersAsBefore() async throws {
        try await withLoupe { f in
            let hash = try await PasswordHasher(cost: 4).hash("password-1234")
            let rita = try await f.store.users.create(email: "rita@example.com", role: .reviewer, passwordHash: hash, now: f.clock.now())
            _ = try await f.store.users.update(rita.id, PersonChange(groups: ["de"]), now: f.clock.now())
            let (status, out, err) = try await Psql.run(url: f.databaseURL, """
                SELECT (SELECT l.lanname FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.proname = 'loupe_may_review'),
                       string_agg(loupe_may_review(pool, actor)::text, ',' ORDER BY n)
                FROM (VALUES (1, '{}'::text[], 'key:k1'), (2, '{bob@example.com}', 'user:bob@example.com'), (3, '{key:k1}', 'key:k1'),
                             (4, '{group:de}', 'user:rita@example.com'), (5, '{group:fr}', 'user:rita@example.com'),
                             (6, '{bob@example.com}', 'key:k1'), (7, '{group:de}', 'user:nobody@example.com')) c(n, pool, actor)
                """)
            #expect(status == 0, "\(err)")
            #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "plpgsql|true,true,true,true,false,false,false")
        }
    }
}
