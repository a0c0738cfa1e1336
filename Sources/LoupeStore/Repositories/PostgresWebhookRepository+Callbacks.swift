import Foundation
import LoupeDomain
import LoupeJSON
import PostgresNIO

/// Per-item callbacks for admins: list them by state, host or item, and cancel those still to be sent.
extension PostgresWebhookRepository {
    /// The URL's host, lower case: the part between `//` (after any user info) and the port, path or query.
    static let host = #"lower(substring(url from '^[A-Za-z][A-Za-z0-9+.-]*://(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)'))"#

    public func callbacks(_ filter: CallbackFilter) async throws -> [JSONValue] {
        let rows = try await client.query("""
            SELECT id, item_id, url, state, attempts, next_attempt_at, last_status, last_error, created_at, delivered_at, cancelled_at,
                   cancelled_by
            FROM webhook_deliveries
            WHERE webhook_id IS NULL
              AND (\(filter.state)::text IS NULL OR state = \(filter.state))
              AND (\(filter.host)::text IS NULL OR \(unescaped: Self.host) = \(filter.host))
              AND (\(filter.itemID)::uuid IS NULL OR item_id = \(filter.itemID))
            ORDER BY created_at DESC, id
            LIMIT \(filter.limit)
            """, logger: logger)
        var result: [JSONValue] = []
        for try await (id, item, url, state, attempts, next, status, error, created, delivered, cancelled, canceller)
            in rows.decode((UUID, UUID, String, String, Int, Date, Int?, String?, Date, Date?, Date?, String?).self) {
            let time = { (date: Date?) in date.map { JSONValue.string(Timestamp.string($0)) } ?? .null }
            result.append([
                "id": .string(id.uuidString.lowercased()), "item_id": .string(item.uuidString.lowercased()), "url": .string(url),
                "state": .string(state), "attempts": .int(attempts), "next_attempt_at": time(next),
                "last_status": status.map { .int($0) } ?? .null, "last_error": error.map(JSONValue.string) ?? .null,
                "created_at": time(created), "delivered_at": time(delivered), "cancelled_at": time(cancelled),
                "cancelled_by": canceller.map(JSONValue.string) ?? .null,
            ])
        }
        return result
    }

    public func restingDestinations(now: Date) async throws -> [JSONValue] {
        let rows = try await client.query("""
            SELECT destination, consecutive_failures, open_until FROM destination_breakers
            WHERE consecutive_failures > 0 ORDER BY open_until DESC NULLS LAST, destination LIMIT 100
            """, logger: logger)
        var result: [JSONValue] = []
        for try await (destination, failures, open) in rows.decode((String, Int, Date?).self) {
            let resting = open.map { $0 > now } ?? false
            result.append(["destination": .string(destination), "consecutive_failures": .int(failures), "resting": .bool(resting),
                           "open_until": open.map { .string(Timestamp.string($0)) } ?? .null])
        }
        return result
    }

    public func cancelCallbacks(_ filter: CallbackFilter, by actor: String, now: Date) async throws -> [UUID] {
        guard filter.host != nil || filter.itemID != nil else { return [] }
        let rows = try await client.query("""
            UPDATE webhook_deliveries SET state = 'cancelled', cancelled_by = \(actor), cancelled_at = \(now), locked_until = NULL
            WHERE webhook_id IS NULL AND state IN ('pending', 'delivering')
              AND (\(filter.host)::text IS NULL OR \(unescaped: Self.host) = \(filter.host))
              AND (\(filter.itemID)::uuid IS NULL OR item_id = \(filter.itemID))
            RETURNING id
            """, logger: logger)
        var ids: [UUID] = []
        for try await id in rows.decode(UUID.self) { ids.append(id) }
        return ids
    }
}
