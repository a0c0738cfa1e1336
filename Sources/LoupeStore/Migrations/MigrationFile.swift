import Crypto
import Foundation
import LoupeResources

/// One `migrations/NNNN_name.sql` file.
public struct MigrationFile: Sendable {
    public let version: Int
    public let name: String
    public let sql: String
    public var checksum: String { SHA256.hash(data: Array(sql.utf8)).map { String(format: "%02x", $0) }.joined() }

    /// The migrations built into this binary (from `migrations/` at build time).
    public static func embedded() throws -> [MigrationFile] {
        try parse(EmbeddedFiles.folder("migrations").map { ($0.key, String(decoding: $0.value, as: UTF8.self)) })
    }

    /// Reads every migration in `directory`, ordered by version; rejects gaps, duplicates and odd names.
    public static func load(from directory: String) throws -> [MigrationFile] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            throw StoreError.migration("migrations directory \(directory) cannot be read")
        }
        return try parse(names.filter { $0.hasSuffix(".sql") }.map { ($0, try String(contentsOfFile: directory + "/" + $0, encoding: .utf8)) })
    }

    static func parse(_ named: [(name: String, sql: String)]) throws -> [MigrationFile] {
        var files: [MigrationFile] = []
        for (name, sql) in named.sorted(by: { $0.name < $1.name }) where name.hasSuffix(".sql") {
            guard name.count > 9, let version = Int(name.prefix(4)), name.dropFirst(4).first == "_" else {
                throw StoreError.migration("migration file \(name) must be named NNNN_description.sql")
            }
            files.append(MigrationFile(version: version, name: name, sql: sql))
        }
        for (index, file) in files.enumerated() where file.version != index + 1 {
            throw StoreError.migration("migration \(file.name) is out of sequence: expected version \(String(format: "%04d", index + 1))")
        }
        return files
    }
}
