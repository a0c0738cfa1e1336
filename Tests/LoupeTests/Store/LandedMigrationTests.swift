import Foundation
import LoupeStore
import Testing

/// Migrations are forward-only: a database records each applied file's checksum and refuses to start when a file it
/// applied has changed. Migration 0038 was edited after it landed (its guard trigger BEFORE → AFTER), so a database
/// migrated in between could not start; the file is back as it landed and 0039 makes the change.
@Suite struct LandedMigrationTests {
    /// The first 16 hex digits of each landed file's SHA-256, as databases recorded them. A new migration adds a file;
    /// it never changes one of these.
    static let landed: [Int: String] = [
        1: "fefcd58eba968ba3", 2: "2ec6accc39ce1612", 3: "48663e56051a85e8", 4: "a1e0e7e5592268a4",
        5: "e3d207286f2d099d", 6: "e440bd91fb5e852d", 7: "191f520e3d7483c2", 8: "6d9cb2c4355e8ff5",
        9: "d5bec66dee868d52", 10: "f634b29908fb59f1", 11: "4a9d215a793d4380", 12: "2d41d1a4f024633c",
        13: "bdcdf7397641ee44", 14: "7810fed49cc2b45f", 15: "732ee04efe8a71cd", 16: "371fe415653191dc",
        17: "0375f6da27955dba", 18: "d4677ee7fe217075", 19: "c26445020d23cde2", 20: "0681a90ba8cd0109",
        21: "f1192965cd9d344c", 22: "d856418be8ae5c1a", 23: "e4c858b42c5e9e4f", 24: "0326453ff17ee48f",
        25: "09659e1323a76231", 26: "dd81241656b22999", 27: "e325d07fc1781b3a", 28: "1a233b0491de5f61",
        29: "f24069ef6f0d244c", 30: "34ab741f40b8f973", 31: "8f9456c9a45d7c50", 32: "e4765b24510b6323",
        33: "a55037138217cd84", 34: "6f91e185e4f16a43", 35: "4cf35efffa19f8a4", 36: "6cefee575dddc922",
        37: "5d6b8b451ed1e01f", 38: "e04255fe528dad97", 39: "47eb77a8e0de8397", 40: "94e615fb293cf16a",
        41: "d4b8df093fe154e5", 42: "33a55d49aed0f3bb", 43: "632af4bd40bbcc59",
    ]

    @Test func landedMigrationsAreNeverEdited() throws {
        let files = try MigrationFile.load(from: TestCluster.home + "/migrations")
        let edited = files.filter { file in Self.landed[file.version].map { !file.checksum.hasPrefix($0) } ?? false }
        #expect(files.count >= Self.landed.count)
        #expect(edited.map(\.name) == [], "edited after they landed: add a new migration instead")
    }

    /// What 0039 changed, in the database: the guard is an AFTER row trigger (no BEFORE bit in `tgtype`), so claims
    /// and decisions do not lock and fetch their rows for it; `DecisionTests` checks that it still refuses.
    @Test func theIntakeGuardIsAnAfterTrigger() async throws {
        try await withLoupe { f in
            let (status, out, err) = try await Psql.run(url: f.databaseURL, """
                SELECT (tgtype & 2 = 0)::text || ',' || (tgtype & 1 = 1)::text FROM pg_trigger
                WHERE tgrelid = 'items'::regclass AND tgname = 'items_intake_record_fixed'
                """)
            #expect(status == 0, "\(err)")
            #expect(out.trimmingCharacters(in: .whitespacesAndNewlines) == "true,true", "AFTER, FOR EACH ROW: \(out)")
        }
    }
}
