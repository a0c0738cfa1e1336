import Foundation
import Hummingbird
import LoupeAPI
import LoupeDomain
import LoupeJSON
import Testing

/// Issue 15, point 6: admins invite people with a one-time link, change roles and groups, deactivate people (their
/// sessions end) and send reset links, over the API.
@Suite struct PeopleTests {
    /// The token of a `setup_url` (`…/setup?token=…`).
    static func token(_ reply: TestReply) -> String {
        String(reply.json["setup_url"]?.stringValue?.components(separatedBy: "/setup?token=").last ?? "")
    }

    static func cookie(_ reply: TestReply) -> String { String(reply.headers[.setCookie]?.split(separator: ";").first ?? "") }

    @Test func anInvitedPersonSetsAPasswordOnceAndAnAdminManagesThem() async throws {
        try await withLoupe { f in
            let invited = try await f.call(.post, "/v1/users", json: ["email": "Rita@Example.com", "role": "reviewer", "groups": ["de", "fr", "de"]])
            #expect(invited.status == 201, "\(invited.text)")
            #expect(invited.json["email"] == "rita@example.com" && invited.json["groups"] == ["de", "fr"] && invited.json["password_set"] == false)
            #expect(invited.json["setup_url"]?.stringValue?.contains("/setup?token=") == true)
            let id = invited.json["id"]?.stringValue ?? ""
            let token = Self.token(invited)
            #expect(try await f.call(.post, "/v1/users", json: ["email": "rita@example.com", "role": "analyst"]).status == 409)
            #expect(try await f.call(.get, "/v1/users", as: .reviewer).status == 403, "people are the admin's")
            #expect(try await f.call(.post, "/v1/session", as: nil, json: ["email": "rita@example.com", "password": "anything-at-all"]).status == 401,
                    "no password until the link is used")

            let what = try await f.call(.get, "/v1/setup?token=\(token)", as: nil)
            #expect(what.json["purpose"] == "invite" && what.json["email"] == "rita@example.com")
            let set = try await f.call(.post, "/v1/setup", as: nil, json: ["token": .string(token), "password": "rita-password-1"])
            #expect(set.status == 201 && set.json["user"]?["email"] == "rita@example.com", "signed in: \(set.text)")
            let session = Self.cookie(set)
            #expect(try await f.call(.get, "/v1/session", as: nil, headers: [.cookie: session]).status == 200)
            let twice = try await f.call(.post, "/v1/setup", as: nil, json: ["token": .string(token), "password": "someone-else-2"])
            #expect(twice.status == 403 && twice.isProblem, "a link works once")
            #expect(try await f.call(.get, "/v1/setup?token=\(token)", as: nil).status == 404)
            let redirect = try await f.call(.get, "/setup?token=\(token)", as: nil)
            #expect(redirect.status == 303 && redirect.headers[.location] == "/#/setup/\(token)")

            let changed = try await f.call(.patch, "/v1/users/\(id)", json: ["role": "analyst", "groups": ["ops"]])
            #expect(changed.json["role"] == "analyst" && changed.json["groups"] == ["ops"] && changed.json["password_set"] == true)
            #expect(try await f.call(.patch, "/v1/users/\(id)", json: ["role": "ingest"]).status == 422)
            #expect(try await f.call(.patch, "/v1/users/\(UUID().uuidString.lowercased())", json: ["active": false]).status == 404)

            // Deactivated: the open session ends at once, signing in fails, a reset link is refused until reactivated.
            let off = try await f.call(.patch, "/v1/users/\(id)", json: ["active": false])
            #expect(off.json["active"] == false)
            #expect(try await f.call(.get, "/v1/session", as: nil, headers: [.cookie: session]).status == 401)
            #expect(try await f.call(.post, "/v1/session", as: nil, json: ["email": "rita@example.com", "password": "rita-password-1"]).status == 401)
            #expect(try await f.call(.post, "/v1/users/\(id)/reset-link").status == 404)
            #expect(try await f.call(.patch, "/v1/users/\(id)", json: ["active": true]).json["active"] == true)

            // A reset link: the new password works, the old one does not, an earlier link is superseded.
            let first = Self.token(try await f.call(.post, "/v1/users/\(id)/reset-link"))
            let reset = try await f.call(.post, "/v1/users/\(id)/reset-link")
            #expect(reset.status == 201)
            #expect(try await f.call(.post, "/v1/setup", as: nil, json: ["token": .string(first), "password": "rita-password-2"]).status == 403)
            #expect(try await f.call(.get, "/v1/setup?token=\(Self.token(reset))", as: nil).json["purpose"] == "reset")
            #expect(try await f.call(.post, "/v1/setup", as: nil, json: ["token": .string(Self.token(reset)), "password": "rita-password-3"]).status == 201)
            #expect(try await f.call(.post, "/v1/session", as: nil, json: ["email": "rita@example.com", "password": "rita-password-1"]).status == 401)
            #expect(try await f.call(.post, "/v1/session", as: nil, json: ["email": "rita@example.com", "password": "rita-password-3"]).status == 201)
        }
    }

    @Test func theLastActiveAdminCannotBeDemotedOrDeactivated() async throws {
        try await withLoupe { f in
            let admin = try await f.call(.post, "/v1/users", json: ["email": "olga@example.com", "role": "admin"])
            let id = admin.json["id"]?.stringValue ?? ""
            let demote = try await f.call(.patch, "/v1/users/\(id)", json: ["role": "reviewer"])
            #expect(demote.status == 409 && demote.json["detail"]?.stringValue?.contains("last active admin") == true)
            #expect(try await f.call(.patch, "/v1/users/\(id)", json: ["active": false]).status == 409)
            let second = try await f.call(.post, "/v1/users", json: ["email": "omar@example.com", "role": "admin"]).json["id"]?.stringValue ?? ""
            #expect(try await f.call(.patch, "/v1/users/\(id)", json: ["active": false]).json["active"] == false, "with another admin it may")
            #expect(try await f.call(.patch, "/v1/users/\(second)", json: ["role": "analyst"]).status == 409)
            let bad = try await f.call(.post, "/v1/users", json: ["email": "x", "role": "boss", "groups": ["a b"]])
            let fields = Set(bad.json["errors"]?.arrayValue?.compactMap { $0["field"]?.stringValue } ?? [])
            #expect(bad.status == 422 && fields == ["email", "role", "groups"])
        }
    }
}
