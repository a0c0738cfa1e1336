import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Aggregates over items and their decisions for the queue overview and the analyst view.
public struct PostgresInsightsRepository: InsightsRepository {
    let client: ReadPool
    let logger: Logger

    public func queueOverview() async throws -> [QueueSummary] {
        var result: [QueueSummary] = []
        let rows = try await client.query("""
            SELECT t.name,
                   count(i.id) FILTER (WHERE i.queue_state = 'waiting'),
                   count(i.id) FILTER (WHERE i.queue_state = 'leased'),
                   count(i.id) FILTER (WHERE i.queue_state = 'waiting' AND i.audit),
                   min(i.created_at) FILTER (WHERE i.queue_state = 'waiting')
            FROM tasks t LEFT JOIN items i ON i.task = t.name AND i.queue_state IN ('waiting', 'leased') AND i.gold_id IS NULL
            GROUP BY t.name ORDER BY t.name
            """, logger: logger)
        for try await (task, waiting, leased, audit, oldest) in rows.decode((String, Int, Int, Int, Date?).self) {
            result.append(QueueSummary(task: task, waiting: waiting, leased: leased, auditWaiting: audit, oldestWaitingAt: oldest))
        }
        return result
    }

    public func stats(task: String, days: Int, now: Date) async throws -> JSONValue? {
        var exists = false
        for try await _ in try await client.query("SELECT 1 FROM tasks WHERE name = \(task)", logger: logger) { exists = true }
        guard exists else { return nil }
        var out = JSONObject()
        var statuses = JSONObject()
        var total = 0, autoApproved = 0
        let counts = try await client.query("""
            SELECT status, count(*), count(*) FILTER (WHERE auto_approved_at IS NOT NULL) FROM items WHERE task = \(task) AND gold_id IS NULL GROUP BY status
            """, logger: logger)
        for try await (status, n, auto) in counts.decode((String, Int, Int).self) {
            statuses[status] = .int(n)
            total += n
            autoApproved += auto
        }
        out["total"] = .int(total)
        out["by_status"] = .object(statuses)
        out["auto_approve_rate"] = total == 0 ? .null : .double(Double(autoApproved) / Double(total))
        if let queue = try await queueOverview().first(where: { $0.task == task })?.json { out["queue"] = queue }

        var daily: [JSONValue] = []
        let series = try await client.query("""
            WITH days AS (
                SELECT generate_series(date_trunc('day', \(now)::timestamptz) - make_interval(days => \(days - 1)::int),
                                       date_trunc('day', \(now)::timestamptz), interval '1 day') AS day
            )
            SELECT to_char(d.day, 'YYYY-MM-DD'),
                   (SELECT count(*) FROM items WHERE task = \(task) AND gold_id IS NULL AND created_at >= d.day AND created_at < d.day + interval '1 day' AND auto_approved_at IS NOT NULL),
                   (SELECT count(*) FROM items WHERE task = \(task) AND gold_id IS NULL AND created_at >= d.day AND created_at < d.day + interval '1 day' AND auto_approved_at IS NULL),
                   (SELECT count(*) FROM items WHERE task = \(task) AND gold_id IS NULL AND decided_at >= d.day AND decided_at < d.day + interval '1 day' AND decided_by <> 'auto' AND decision_action = 'approve'),
                   (SELECT count(*) FROM items WHERE task = \(task) AND gold_id IS NULL AND decided_at >= d.day AND decided_at < d.day + interval '1 day' AND decided_by <> 'auto' AND decision_action = 'correct'),
                   (SELECT count(*) FROM items WHERE task = \(task) AND gold_id IS NULL AND decided_at >= d.day AND decided_at < d.day + interval '1 day' AND decided_by <> 'auto' AND decision_action = 'reject'),
                   (SELECT count(*) FROM items WHERE task = \(task) AND gold_id IS NULL AND queue_state IS NOT NULL AND created_at < d.day + interval '1 day'
                        AND (queue_state <> 'done' OR decided_at >= d.day + interval '1 day'))
            FROM days d ORDER BY d.day
            """, logger: logger)
        for try await (day, auto, queued, approved, corrected, rejected, depth) in series.decode((String, Int, Int, Int, Int, Int, Int).self) {
            daily.append(["day": .string(day), "auto_approved": .int(auto), "queued": .int(queued), "approved": .int(approved),
                          "corrected": .int(corrected), "rejected": .int(rejected), "queue_depth": .int(depth)])
        }
        out["daily"] = .array(daily)

        var reviewers: [JSONValue] = []
        let people = try await client.query("""
            SELECT decided_by, count(*) FROM items WHERE task = \(task) AND gold_id IS NULL AND decided_by IS NOT NULL AND decided_by <> 'auto'
            GROUP BY decided_by ORDER BY count(*) DESC LIMIT 20
            """, logger: logger)
        for try await (reviewer, n) in people.decode((String, Int).self) {
            reviewers.append(["reviewer": .string(reviewer), "decisions": .int(n)])
        }
        out["reviewers"] = .array(reviewers)
        return .object(out)
    }

    public func confidenceBands(task: String) async throws -> [ConfidenceBand] {
        var bands = (0...9).map { ConfidenceBand(index: $0, items: 0, reviewed: 0, approvedUnchanged: 0) }
        let rows = try await client.query("""
            SELECT least(floor(confidence * 10), 9)::int AS band, count(*),
                   count(*) FILTER (WHERE decided_by <> 'auto'),
                   count(*) FILTER (WHERE decided_by <> 'auto' AND decision_action = 'approve')
            FROM items WHERE task = \(task) AND gold_id IS NULL GROUP BY 1
            """, logger: logger)
        for try await (band, items, reviewed, approved) in rows.decode((Int, Int, Int, Int).self) {
            bands[band] = ConfidenceBand(index: band, items: items, reviewed: reviewed, approvedUnchanged: approved)
        }
        return bands
    }

    public func breakdown(task: String, by column: BreakdownColumn) async throws -> [JSONValue] {
        // The column name comes from a closed enum, never from the request.
        let query = PostgresQuery(unsafeSQL: """
            SELECT \(column.rawValue), count(*), count(*) FILTER (WHERE auto_approved_at IS NOT NULL),
                   count(*) FILTER (WHERE decided_by <> 'auto'),
                   count(*) FILTER (WHERE decided_by <> 'auto' AND decision_action = 'correct')
            FROM items WHERE task = $1 AND gold_id IS NULL GROUP BY 1 ORDER BY 1 NULLS FIRST LIMIT 100
            """, binds: try { var b = PostgresBindings(); try b.append(task); return b }())
        var result: [JSONValue] = []
        for try await (value, items, auto, reviewed, corrected) in try await client.query(query, logger: logger).decode((String?, Int, Int, Int, Int).self) {
            result.append([
                column.rawValue: value.map(JSONValue.string) ?? .null, "items": .int(items),
                "auto_approve_rate": .double(Double(auto) / Double(items)), "reviewed": .int(reviewed),
                "correction_rate": reviewed == 0 ? .null : .double(Double(corrected) / Double(reviewed)),
            ])
        }
        return result
    }
}
