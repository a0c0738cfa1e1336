import Foundation
import PostgresNIO

/// The soak benchmark's bulk growth (issue 17, point 3): items as months of traffic leave them, with their history, in
/// statements of a few thousand rows so the triggers, indexes and autovacuum see what they would see in production.
extension RawBaseline {
    /// `count` items of `task`, created over the last 30 days: 80% auto-approved, 18% decided by a person (a third of
    /// them corrected), the last 2% still waiting when `waiting` (else also decided by a person); a ~1 KB input of hex
    /// words (compressing about as well as prose), the nested output intake's realistic body has, and the history
    /// intake and review write (received, routed; claimed and decided for people's decisions).
    /// `parallel` statements run at once (PostgreSQL spends a core on each; one alone leaves the second core idle).
    public func grow(task: String, count: Int, waiting: Bool = true, chunk: Int = 5_000, parallel: Int = 2,
                     progress: (@Sendable (String) -> Void)? = nil) async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for lane in 0..<parallel {
                let share = count / parallel + (lane < count % parallel ? 1 : 0)
                group.addTask { try await self.grow(task: task, count: share, waitingFrom: waiting ? 0.98 : 1, chunk: chunk, progress: progress) }
            }
            try await group.waitForAll()
        }
    }

    /// SQL for a UUID in insertion order, as intake's UUIDv7 ids are (PostgreSQL 15 has no uuidv7()).
    public static let orderedID = "(lpad(to_hex((extract(epoch FROM clock_timestamp()) * 1000)::bigint), 12, '0') || '7' "
        + "|| substr(md5(random()::text), 1, 3) || '8' || substr(md5(random()::text), 1, 15))::uuid"

    /// Items whose random draw is at least `waitingFrom` are left waiting.
    func grow(task: String, count: Int, waitingFrom: Double, chunk: Int, progress: (@Sendable (String) -> Void)?) async throws {
        var remaining = count
        while remaining > 0 {
            let n = min(chunk, remaining)
            try await client.query("""
                WITH made AS (
                    -- Ids in insertion order, as UUIDv7 from intake are (random v4 ids scatter id order over the heap, and
                    -- every read by id, an export's pages first, pays for it); arrival times spread over 30 days.
                    SELECT \(unescaped: Self.orderedID) AS id,
                           g, random() AS r, now() - make_interval(secs => 30 * 86400 * random()) AS at,
                           (SELECT string_agg(md5(g::text || '-' || k || '-' || random()), ' ') FROM generate_series(1, 30) k) AS text
                    FROM generate_series(1, \(n)) g
                ), inserted AS (
                    INSERT INTO items (id, task, external_id, status, audit, input, output, confidence, reasons, final_output,
                                       decision_action, decided_by, decided_at, auto_approved_at, audit_rate, queue_state,
                                       created_at, updated_at, received_by, intake_event)
                    SELECT m.id, \(task), 'soak-' || m.id,
                           CASE WHEN m.r < 0.80 THEN 'approved' WHEN m.r < 0.86 THEN 'corrected' WHEN m.r < \(waitingFrom) THEN 'approved' ELSE 'pending' END,
                           false, jsonb_build_object('text', m.text), o.output, CASE WHEN m.r < 0.80 THEN 0.9 + m.r / 10 ELSE 0.5 + m.r / 3 END,
                           CASE WHEN m.r < 0.80 THEN '[]'::jsonb ELSE '[{"code": "below_threshold"}]'::jsonb END,
                           CASE WHEN m.r < 0.80 OR (m.r >= 0.86 AND m.r < \(waitingFrom)) THEN o.output
                                WHEN m.r < 0.86 THEN jsonb_set(o.output, '{total}', to_jsonb(m.g % 977)) END,
                           CASE WHEN m.r < 0.80 OR (m.r >= 0.86 AND m.r < \(waitingFrom)) THEN 'approve' WHEN m.r < 0.86 THEN 'correct' END,
                           CASE WHEN m.r < 0.80 THEN 'auto' WHEN m.r < \(waitingFrom) THEN 'user:soak@example.com' END,
                           CASE WHEN m.r < \(waitingFrom) THEN m.at END, CASE WHEN m.r < 0.80 THEN m.at END, CASE WHEN m.r < 0.80 THEN 0 END,
                           CASE WHEN m.r < 0.80 THEN NULL WHEN m.r < \(waitingFrom) THEN 'done' ELSE 'waiting' END, m.at, m.at,
                           'key:soak', nextval('item_events_id_seq')
                    FROM made m, LATERAL (SELECT jsonb_build_object('vendor', 'Vendor ' || (m.g % 997), 'total', m.g % 5000, 'currency', 'EUR',
                                                                    'lines', jsonb_build_array(jsonb_build_object('sku', 'A-' || (m.g % 89), 'qty', 1 + m.g % 7),
                                                                                               jsonb_build_object('sku', 'B-' || (m.g % 53), 'qty', 2))) AS output) o
                    RETURNING id, decided_by, created_at
                )
                -- Intake's history is the item itself (migration 0038); a person's decision adds two rows.
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT i.id, e.event, 'key:soak', i.created_at, '{}'::jsonb
                FROM inserted i CROSS JOIN LATERAL unnest(ARRAY['claimed', 'decided']) AS e(event)
                WHERE i.decided_by LIKE 'user:%'
                """, logger: logger)
            remaining -= n
            if (count - remaining) % 500_000 < chunk { progress?("grown \(count - remaining) of \(count) on this connection") }
        }
    }

    /// The upkeep autovacuum spreads over the months the soak compresses into minutes: VACUUM (ANALYZE) of the grown
    /// tables and a checkpoint, so a measurement does not pay for the growth's backlog of dirty pages and unset hint bits.
    public func upkeep() async throws {
        for table in ["items", "item_events", "people_decisions"] {
            try await client.query(PostgresQuery(unsafeSQL: "VACUUM (ANALYZE) \(table)"), logger: logger)
        }
        try await client.query("CHECKPOINT", logger: logger)
    }

    /// One number from the database (a count, a ratio, a size), for the soak's table figures.
    public func figure(_ sql: String) async throws -> Double {
        for try await value in try await client.query(PostgresQuery(unsafeSQL: sql), logger: logger).decode(Double?.self) {
            return value ?? 0
        }
        return 0
    }
}
