import Foundation
import LoupeDomain
import Logging
import PostgresNIO

/// Items past their deadline, decided or escalated in one statement per pass. Every server runs it;
/// `FOR UPDATE SKIP LOCKED` hands each expired item to exactly one of them, like the lease rescuer.
public struct PostgresDeadlineRepository: DeadlineRepository {
    let client: GatedPool
    let logger: Logger

    /// Added to an escalated item's priority: intake priorities stay within ±1000, so it comes first.
    static let escalationBoost = 1_000_000

    public func expire(now: Date, limit: Int) async throws -> DeadlineOutcome {
        let rows = try await client.query("""
            WITH due AS (
                SELECT id FROM items
                WHERE deadline_at <= \(now) AND escalated_at IS NULL AND queue_state IN ('waiting', 'leased')
                  AND status IN ('pending', 'in_review')
                ORDER BY deadline_at LIMIT \(limit)
                FOR UPDATE SKIP LOCKED
            ), verdict AS (
                -- An approval at the deadline never lets through an output the schema refused at intake.
                SELECT i.id, CASE WHEN i.on_deadline = 'approve' AND NOT i.reasons @> '[{"code": "schema_invalid"}]'
                                  THEN 'approve' ELSE 'reject' END AS action,
                       CASE WHEN i.on_deadline = 'approve' AND i.reasons @> '[{"code": "schema_invalid"}]'
                            THEN 'no reviewer decided before the deadline; rejected rather than approved because the output is invalid against the schema'
                            ELSE 'no reviewer decided before the deadline' END AS reason
                FROM items i JOIN due ON due.id = i.id
                WHERE i.on_deadline IN ('approve', 'reject')
            ), decided AS (
                UPDATE items i SET status = CASE v.action WHEN 'approve' THEN 'approved' ELSE 'rejected' END,
                       final_output = CASE v.action WHEN 'approve' THEN i.output END,
                       decision_action = v.action, decided_by = 'deadline', decided_at = \(now), decision_reason = v.reason,
                       queue_state = 'done', lease_expires_at = NULL, updated_at = \(now)
                FROM verdict v WHERE i.id = v.id
                RETURNING i.id, i.task, i.decision_action, i.decision_reason, i.lease_holder
            ), escalated AS (
                UPDATE items i SET escalated_at = \(now), priority = i.priority + \(Self.escalationBoost), updated_at = \(now)
                FROM due WHERE i.id = due.id AND i.on_deadline = 'escalate'
                RETURNING i.id, i.task, i.deadline_at
            ), outbox AS (
                INSERT INTO events (event, task, item_id, actor, at)
                SELECT 'item.decided', task, id, 'deadline', \(now) FROM decided
                UNION ALL
                SELECT 'item.escalated', task, id, 'deadline', \(now) FROM escalated
            ), history AS (
                INSERT INTO item_events (item_id, event, actor, at, details)
                SELECT id, 'decided', 'deadline', \(now),
                       jsonb_strip_nulls(jsonb_build_object('action', decision_action, 'reason', decision_reason, 'lease_holder', lease_holder))
                FROM decided
                UNION ALL
                SELECT id, 'escalated', 'deadline', \(now), jsonb_build_object('deadline_at', deadline_at) FROM escalated
            )
            SELECT (SELECT count(*) FROM decided WHERE decision_action = 'reject'),
                   (SELECT count(*) FROM decided WHERE decision_action = 'approve'),
                   (SELECT count(*) FROM escalated)
            """, logger: logger)
        for try await (rejected, approved, escalated) in rows.decode((Int, Int, Int).self) {
            return DeadlineOutcome(rejected: rejected, approved: approved, escalated: escalated)
        }
        return DeadlineOutcome()
    }
}
