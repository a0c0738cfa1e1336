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

    /// One of PostgreSQL's client tools (`pg_dump`, `pg_restore`, `psql`) of the same version as the server binaries.
    static func client(_ name: String) throws -> String {
        let env = ProcessInfo.processInfo.environment
        var candidates = [env["LOUPE_PG_BIN"], "/usr/lib/postgresql/15/bin"].compactMap { $0 }.filter { !$0.isEmpty }.map { $0 + "/" + name }
        candidates.append("/usr/bin/" + name)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) { return found }
        throw StoreError.embedded("\(name) was not found in \(candidates.joined(separator: ", ")); install it with `apt-get install postgresql-client-15`")
    }
}
