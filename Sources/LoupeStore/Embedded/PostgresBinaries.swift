import Foundation

/// Finds PostgreSQL 15's server binaries, or says which package provides them.
enum PostgresBinaries {
    static func locate() throws -> String {
        var candidates: [String] = []
        if let env = ProcessInfo.processInfo.environment["LOUPE_PG_BIN"] { candidates.append(env) }
        candidates.append("/usr/lib/postgresql/15/bin")
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
