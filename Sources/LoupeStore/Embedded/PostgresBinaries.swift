import Foundation

/// Finds PostgreSQL 15's server binaries, or says which package provides them.
enum PostgresBinaries {
    static func locate() throws -> String {
        let env = ProcessInfo.processInfo.environment
        var candidates: [String] = []
        if let dir = env["LOUPE_PG_BIN"], !dir.isEmpty { candidates.append(dir) }
        // LOUPE_PG_BIN_ONLY=1 looks nowhere else (tests use it to see the missing-binaries message).
        if env["LOUPE_PG_BIN_ONLY"] != "1" { candidates.append("/usr/lib/postgresql/15/bin") }
        for dir in candidates where FileManager.default.isExecutableFile(atPath: dir + "/initdb")
            && FileManager.default.isExecutableFile(atPath: dir + "/pg_ctl") {
            return dir
        }
        throw StoreError.embedded(
            "PostgreSQL 15 server binaries were not found in \(candidates.joined(separator: " or ")). "
                + "Install them with `apt-get install postgresql-15 postgresql-contrib` (or set LOUPE_PG_BIN), "
                + "or point DATABASE_URL at an existing PostgreSQL.")
    }
}
