import Foundation
import LoupeJSON
import PostgresNIO

extension PostgresRandomAccessRow {
    /// A jsonb column selected as `col::text`, parsed back into a value (NULL → `.null`).
    func json(_ column: String) throws -> JSONValue {
        guard let text = try self[column].decode(String?.self) else { return .null }
        return try JSONParser.parse(text, options: .init(maxDepth: 10_000, rejectNul: false))
    }

    func value<T: PostgresDecodable>(_ column: String, as type: T.Type = T.self) throws -> T {
        try self[column].decode(T.self)
    }
}

extension JSONValue {
    /// Text for a `::jsonb` bind.
    var sqlText: String { JSONWriter.string(self) }
}
