import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Webhooks and the delivery outbox. Sending is claimed with SKIP LOCKED plus a short lease, so each
/// delivery is attempted by one server at a time and a crashed sender's deliveries come back.
public struct PostgresWebhookRepository: WebhookRepository {
    let client: GatedPool
    let logger: Logger

    public func create(url: String, secret: String, events: [String], now: Date) async throws -> Webhook {
        let id = UUIDv7.make(at: now)
        try await client.query("""
            INSERT INTO webhooks (id, url, secret, events, created_at) VALUES (\(id), \(url), \(secret), \(events)::text[], \(now))
            """, logger: logger)
        return Webhook(id: id, url: url, events: events, createdAt: now, consecutiveFailures: 0, circuitOpenUntil: nil)
    }

    public func list() async throws -> [Webhook] {
        var hooks: [Webhook] = []
        let rows = try await client.query("""
            SELECT id, url, events, created_at, consecutive_failures, circuit_open_until FROM webhooks
            WHERE deleted_at IS NULL ORDER BY created_at
            """, logger: logger)
        for try await (id, url, events, created, failures, open) in rows.decode((UUID, String, [String], Date, Int, Date?).self) {
            hooks.append(Webhook(id: id, url: url, events: events, createdAt: created, consecutiveFailures: failures, circuitOpenUntil: open))
        }
        return hooks
    }

    public func delete(id: UUID, now: Date) async throws -> Bool {
        // Soft delete keeps the delivery history; pending deliveries to it are dropped.
        let rows = try await client.query("""
            WITH gone AS (UPDATE webhooks SET deleted_at = \(now) WHERE id = \(id) AND deleted_at IS NULL RETURNING id),
                 dropped AS (UPDATE webhook_deliveries SET state = 'failed', last_error = 'webhook deleted'
                             WHERE webhook_id IN (SELECT id FROM gone) AND state IN ('pending', 'delivering'))
            SELECT id FROM gone
            """, logger: logger)
        for try await _ in rows { return true }
        return false
    }

    public func deliveries(webhookID: UUID, limit: Int) async throws -> [JSONValue]? {
        var exists = false
        // A deleted webhook is gone from the API like from the list (its history stays in the table).
        for try await _ in try await client.query("SELECT 1 FROM webhooks WHERE id = \(webhookID) AND deleted_at IS NULL", logger: logger) {
            exists = true
        }
        guard exists else { return nil }
        let rows = try await client.query("""
            SELECT d.id, d.event, d.item_id, d.state, d.attempts, d.next_attempt_at, d.last_status, d.last_error, d.created_at,
                   d.delivered_at,
                   coalesce((SELECT jsonb_agg(jsonb_build_object('at', a.at, 'status', a.status, 'error', a.error,
                                                                 'duration_ms', a.duration_ms) ORDER BY a.id)
                             FROM webhook_attempts a WHERE a.delivery_id = d.id), '[]')::text
            FROM webhook_deliveries d WHERE d.webhook_id = \(webhookID) ORDER BY d.created_at DESC, d.id LIMIT \(limit)
            """, logger: logger)
        var result: [JSONValue] = []
        for try await (id, event, item, state, attempts, next, status, error, created, delivered, tries)
            in rows.decode((UUID, String, UUID?, String, Int, Date, Int?, String?, Date, Date?, String).self) {
            result.append([
                "id": .string(id.uuidString.lowercased()), "event": .string(event),
                "item_id": item.map { .string($0.uuidString.lowercased()) } ?? .null,
                "state": .string(state), "attempts": .int(attempts), "next_attempt_at": .string(Timestamp.string(next)),
                "last_status": status.map { .int($0) } ?? .null, "last_error": error.map(JSONValue.string) ?? .null,
                "created_at": .string(Timestamp.string(created)),
                "delivered_at": delivered.map { .string(Timestamp.string($0)) } ?? .null,
                "attempt_log": (try? JSONParser.parse(tries)) ?? .array([]),
            ])
        }
        return result
    }

    public func redeliver(id: UUID, now: Date) async throws -> Bool {
        let rows = try await client.query("""
            UPDATE webhook_deliveries SET state = 'pending', next_attempt_at = \(now), locked_until = NULL
            WHERE id = \(id) AND state <> 'delivering' RETURNING id
            """, logger: logger)
        for try await _ in rows {
            try await client.query("SELECT pg_notify('loupe_deliveries', '')", logger: logger)
            return true
        }
        return false
    }

    /// `host[:port]` of a delivery's URL, lower-cased: the unit of per-destination limits.
    static let destination = #"lower(substring(coalesce(w2.url, d2.url) from '^[^:]+://(?:[^@/?#]*@)?([^/?#]+)'))"#

    public func claimDue(now: Date, lease: TimeInterval, limit: Int, perDestination: Int, excluding: [String]) async throws -> [DueDelivery] {
        // Webhook deliveries use their endpoint's URL, secret and breaker; per-item callbacks carry their own
        // URL and are signed with the callback secret of the key that submitted the item (the server-wide
        // secret only for items from before per-key secrets). Each destination gets at most `perDestination`
        // of a claim, so a slow host's backlog cannot fill every place.
        let rows = try await client.query("""
            WITH due AS (
                SELECT d2.id, d2.next_attempt_at, t.destination,
                       row_number() OVER (PARTITION BY t.destination ORDER BY d2.next_attempt_at) AS rank
                FROM webhook_deliveries d2 LEFT JOIN webhooks w2 ON w2.id = d2.webhook_id
                CROSS JOIN LATERAL (SELECT \(unescaped: Self.destination) AS destination) t  -- the URL is parsed once per row
                WHERE ((d2.state = 'pending' AND d2.next_attempt_at <= \(now))
                       OR (d2.state = 'delivering' AND d2.locked_until < \(now)))
                  AND (w2.circuit_open_until IS NULL OR w2.circuit_open_until <= \(now))
                  -- A callback host whose breaker is open rests like a failing webhook endpoint.
                  AND (d2.webhook_id IS NOT NULL OR NOT EXISTS (
                       SELECT 1 FROM destination_breakers b2
                       WHERE b2.destination = t.destination AND b2.open_until > \(now)))
            ), picked AS (
                SELECT id FROM due
                WHERE rank <= \(perDestination) AND destination <> ALL (\(excluding)::text[])
                ORDER BY next_attempt_at LIMIT \(limit)
            ), claimed AS (
                UPDATE webhook_deliveries d SET state = 'delivering', attempts = d.attempts + 1,
                       locked_until = \(now.addingTimeInterval(lease))
                -- The due test is repeated on the locked row: PostgreSQL re-checks it against the latest version, so a
                -- delivery another server claimed since this statement's snapshot is skipped, not sent twice.
                WHERE d.id IN (SELECT d3.id FROM webhook_deliveries d3
                               WHERE d3.id IN (SELECT id FROM picked)
                                 AND ((d3.state = 'pending' AND d3.next_attempt_at <= \(now))
                                      OR (d3.state = 'delivering' AND d3.locked_until < \(now)))
                               FOR UPDATE SKIP LOCKED)
                RETURNING d.*
            )
            SELECT c.id, c.webhook_id, coalesce(w.url, c.url), coalesce(w.secret, k.callback_secret, s.value), c.event, c.item_id,
                   c.attempts, c.created_at, coalesce(w.consecutive_failures, b.consecutive_failures, 0), due.destination,
                   c.task, c.details::text
            FROM claimed c JOIN due ON due.id = c.id LEFT JOIN webhooks w ON w.id = c.webhook_id
            LEFT JOIN destination_breakers b ON c.webhook_id IS NULL AND b.destination = due.destination
            LEFT JOIN items i ON c.webhook_id IS NULL AND i.id = c.item_id
            LEFT JOIN api_keys k ON i.received_by LIKE 'key:%' AND k.id::text = substr(i.received_by, 5)
            CROSS JOIN (SELECT value FROM settings WHERE key = 'callback_secret') s
            """, logger: logger)
        var due: [DueDelivery] = []
        for try await (id, hook, url, secret, event, item, attempts, created, failures, destination, task, details)
            in rows.decode((UUID, UUID?, String, String, String, UUID?, Int, Date, Int, String?, String?, String?).self) {
            var delivery = DueDelivery(id: id, webhookID: hook, url: url, secret: secret, event: event, itemID: item, attempts: attempts,
                                       createdAt: created, consecutiveFailures: failures)
            delivery.destination = destination ?? ""
            delivery.task = task
            delivery.details = details.flatMap { try? JSONParser.parse($0) }
            due.append(delivery)
        }
        return due
    }


    public func record(_ delivery: DueDelivery, outcome: AttemptOutcome, now: Date, retryAt: Date?, breakerOpenUntil: Date?) async throws {
        let state = outcome.succeeded ? "delivered" : (retryAt == nil ? "failed" : "pending")
        try await client.query("""
            WITH attempt AS (
                INSERT INTO webhook_attempts (delivery_id, at, status, error, duration_ms)
                VALUES (\(delivery.id), \(now), \(outcome.status), \(outcome.error), \(outcome.durationMs))
            ), hook AS (
                UPDATE webhooks SET
                    consecutive_failures = CASE WHEN \(outcome.succeeded) THEN 0 ELSE consecutive_failures + 1 END,
                    circuit_open_until = CASE WHEN \(outcome.succeeded) THEN NULL ELSE coalesce(\(breakerOpenUntil), circuit_open_until) END
                WHERE id = \(delivery.webhookID)
            ), destination AS (
                -- Callbacks keep their breaker per destination host (webhooks keep theirs on the endpoint).
                INSERT INTO destination_breakers AS b (destination, consecutive_failures, open_until)
                SELECT \(delivery.destination), CASE WHEN \(outcome.succeeded) THEN 0 ELSE 1 END, \(breakerOpenUntil)::timestamptz
                WHERE \(delivery.webhookID)::uuid IS NULL AND \(delivery.destination) <> ''
                ON CONFLICT (destination) DO UPDATE SET
                    consecutive_failures = CASE WHEN \(outcome.succeeded) THEN 0 ELSE b.consecutive_failures + 1 END,
                    open_until = CASE WHEN \(outcome.succeeded) THEN NULL ELSE coalesce(EXCLUDED.open_until, b.open_until) END
            )
            UPDATE webhook_deliveries SET
                   -- A callback cancelled while this attempt was in flight stays cancelled unless the attempt delivered it.
                   state = CASE WHEN state = 'cancelled' AND \(state) <> 'delivered' THEN 'cancelled' ELSE \(state) END,
                   locked_until = NULL, last_status = \(outcome.status),
                   last_error = \(outcome.error), next_attempt_at = coalesce(\(retryAt), next_attempt_at),
                   delivered_at = CASE WHEN \(outcome.succeeded) THEN \(now)::timestamptz END
            WHERE id = \(delivery.id)
            """, logger: logger)
    }
}
