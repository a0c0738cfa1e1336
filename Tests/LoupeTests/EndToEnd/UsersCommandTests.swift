import Foundation
import Testing

@Suite struct UsersCommandTests {
    @Test func usersCreateReadsThePasswordFromStdinAndStoresABcryptHash() async throws {
        try await withLoupe { f in
            let url = try await TestCluster.databaseURL(f.store.location)
            let env = ["DATABASE_URL": url, "LOUPE_BCRYPT_COST": "4"]
            let created = try await LoupeBinary.run(["users", "create", "--email", "Ada@Example.com", "--role", "analyst"],
                                              environment: env, stdin: "s3cret-passphrase\n")
            #expect(created.0 == 0, "\(created.2)")
            #expect(created.1.contains("created analyst ada@example.com"))
            let stored = try await f.store.users.credentials(email: "ada@example.com")
            #expect(stored?.user.role == .analyst)
            #expect(stored?.passwordHash.hasPrefix("$2") == true, "only a bcrypt hash is stored")
            #expect(stored?.passwordHash.contains("s3cret") == false)

            let signedIn = try await f.call(.post, "/v1/session", as: nil, json: ["email": "ada@example.com", "password": "s3cret-passphrase"])
            #expect(signedIn.status == 201)

            let duplicate = try await LoupeBinary.run(["users", "create", "--email", "ada@example.com", "--role", "analyst"],
                                                environment: env, stdin: "another-password\n")
            #expect(duplicate.0 != 0)
            #expect(duplicate.2.contains("already exists"))
            let short = try await LoupeBinary.run(["users", "create", "--email", "bob@example.com", "--role", "reviewer"], environment: env, stdin: "short\n")
            #expect(short.0 != 0)
            #expect(short.2.contains("at least 8 characters"))
        }
    }
}
