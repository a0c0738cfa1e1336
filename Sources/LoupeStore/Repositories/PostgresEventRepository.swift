import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// The `events` table read as a stream. Only events below the horizon are read, in (txid, id) order, so a page
/// never skips an event that commits later with a smaller id.
public struct PostgresEventRepository: EventRepository {
    let client: GatedPool
    let logger: Logger

    /// The oldest transaction of this database still running when the statement's snapshot was taken (else the
    /// snapshot's xmax). Not the snapshot's xmin: that counts every database of the cluster, so one long write
    /// transaction of another application (or another test) held every event of ours back until it ended.
    /// A running transaction is left out only when `pg_stat_activity` shows it in another database; one that ended
    /// meanwhile, a prepared one or a background worker's counts as ours, which only ever delays an event.
    static let horizon = """
        coalesce((SELECT min(x) FROM pg_snapshot_xip(pg_current_snapshot()) x
                  WHERE (x::text::numeric % 4294967296)::bigint NOT IN (
                      SELECT backend_xid::text::bigint FROM pg_stat_activity
                      WHERE backend_xid IS NOT NULL AND datid <> (SELECT oid FROM pg_database WHERE datname = current_database()))),
                 pg_snapshot_xmax(pg_current_snapshot()))
        """
    static let stable = "txid < \(horizon)"

    public func tail() async throws -> EventCursor {
        let rows = try await client.query("""
            SELECT txid::text, id FROM events WHERE \(unescaped: Self.stable) ORDER BY txid DESC, id DESC LIMIT 1
            """, logger: logger)
        for try await (txid, id) in rows.decode((String, Int64).self) { return EventCursor(txid: UInt64(txid) ?? 0, id: id) }
        return .start
    }

    public func cursor(after id: Int64) async throws -> EventCursor {
        let rows = try await client.query("""
            SELECT e.txid::text, e.id FROM events e WHERE e.id = \(id)
            UNION ALL
            -- Aged out (or 0): from the oldest event still kept.
            SELECT '0', 0 WHERE NOT EXISTS (SELECT 1 FROM events WHERE id = \(id))
                                AND \(id) < coalesce((SELECT min(id) FROM events), \(id) + 1)
            """, logger: logger)
        for try await (txid, found) in rows.decode((String, Int64).self) { return EventCursor(txid: UInt64(txid) ?? 0, id: found) }
        return try await tail()
    }

    public func page(after cursor: EventCursor, filter: EventFilter, limit: Int) async throws -> (events: [LoggedEvent], next: EventCursor) {
        let rows = try await client.query("""
            WITH page AS (
                SELECT e.txid, e.id, e.event, e.item_id, e.task, e.details,
                       (\(filter.tasks)::text[] IS NULL OR e.task = ANY (\(filter.tasks)::text[]))
                       AND (\(filter.types)::text[] IS NULL OR e.event = ANY (\(filter.types)::text[])) AS wanted
                FROM events e
                WHERE (e.txid, e.id) > (\(String(cursor.txid))::text::xid8, \(cursor.id)) AND e.\(unescaped: Self.stable)
                ORDER BY e.txid, e.id
                LIMIT \(limit)
            )
            SELECT p.txid::text AS ev_txid, p.id AS ev_id, p.event AS ev_event, p.wanted AND i.id IS NOT NULL AS ev_wanted,
                   CASE WHEN p.wanted AND p.item_id IS NULL THEN p.task END AS ev_task,
                   CASE WHEN p.wanted AND p.item_id IS NULL THEN p.details::text END AS ev_details,
                   \(unescaped: PostgresItemRepository.columns("i"))
            FROM page p LEFT JOIN items i ON p.wanted AND i.id = p.item_id
            ORDER BY p.txid, p.id
            """, logger: logger)
        var events: [LoggedEvent] = []
        var next = cursor
        for try await row in rows {
            let r = row.makeRandomAccess()
            let id: Int64 = try r.value("ev_id")
            next = EventCursor(txid: UInt64(try r.value("ev_txid", as: String.self)) ?? next.txid, id: id)
            let item = try r.value("ev_wanted", as: Bool.self) ? try PostgresItemRepository.decode(r) : nil
            let task: String? = try r.value("ev_task")
            let details = try r.value("ev_details", as: String?.self).flatMap { try? JSONParser.parse(Array($0.utf8)) }
            events.append(LoggedEvent(id: id, event: try r.value("ev_event"), item: item, task: task, details: details))
        }
        return (events, next)
    }

    public func purge(before: Date, limit: Int) async throws -> Int {
        // The `limit` oldest by id, of which those past the retention: at most `limit` rows read per pass, with no index
        // on `at` for intake to write (migration 0037). Ids follow the order events were written, so old events are the
        // first ids; one a moment older than a kept event before it goes on a later pass.
        let rows = try await client.query("""
            WITH gone AS (
                DELETE FROM events WHERE id IN (
                    SELECT id FROM (SELECT id, at FROM events ORDER BY id LIMIT \(limit)) oldest WHERE at < \(before)
                )
                RETURNING 1
            )
            SELECT count(*) FROM gone
            """, logger: logger)
        for try await count in rows.decode(Int.self) { return count }
        return 0
    }
}
