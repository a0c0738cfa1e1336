import Foundation
import LoupeDomain
import PostgresNIO

/// Which waiting item a claim takes. One prepared statement per kind rather than one with
/// `($task IS NULL OR task = $task)` and a CASE on disputes, whose generic plan could not use the right index.
protocol ClaimTaskFilter: Sendable {
    /// The `candidate` CTE's body: one waiting item's `id`, locked `FOR UPDATE SKIP LOCKED`; `$5` is the task when `namesTask`.
    static var candidate: String { get }
    static var namesTask: Bool { get }
}

/// Nobody reviews an item twice (consensus reviews are blind and by different people); disputes go to leads who ask.
private let undisputedUnreviewed = """
    AND status <> 'disputed' AND NOT EXISTS (SELECT 1 FROM item_reviews r WHERE r.item_id = items.id AND r.reviewer = $1)
    """

/// A gold item's copy belongs to the one reviewer it was served to. Not `gold_id IS NULL`: before statistics exist the
/// planner takes IS NULL to keep 0.5% of rows, and sorted the whole queue (870 ms at 100k waiting) instead of walking
/// the queue index (1.5 ms).
private let notGoldCopy = "AND NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = items.id)"

/// Tasks (`t`) the caller may claim from now: in the key's scope, below their lease cap for the caller, and (for a
/// task with a `reviewers` pool) naming the caller directly (email, key:ID) or through a group of theirs.
private let openTasks = """
    ($2::text[] IS NULL OR t.name = ANY ($2::text[])) AND t.name NOT IN (SELECT task FROM full_tasks)
    AND loupe_may_review(t.reviewers, $1)
    """

/// The first waiting item in queue order among the open tasks that also meets `clause` (one named task: its
/// `items_queue_task` entries; disputes: `items_disputed`).
private func walkQueue(where clause: String) -> String {
    """
    SELECT id FROM items
    WHERE queue_state = 'waiting' \(clause) \(notGoldCopy)
      AND task IN (SELECT t.name FROM tasks t WHERE \(openTasks))
    ORDER BY priority DESC, audit, id
    LIMIT 1
    FOR UPDATE SKIP LOCKED
    """
}

/// Claims from every task the caller may review: each open task's head through `items_queue_task`, then the first of
/// those heads. Walking the global queue instead meant stepping over every waiting item of a task the caller could not
/// take (at its lease cap): 32 reviewers claiming and deciding managed 28.6 items/s, p99 2.9 s, beside 150k such items.
enum AnyTaskClaim: ClaimTaskFilter {
    static let candidate = """
        SELECT head.id FROM tasks t CROSS JOIN LATERAL (
            SELECT id, priority, audit FROM items
            WHERE queue_state = 'waiting' AND task = t.name \(undisputedUnreviewed) \(notGoldCopy)
            ORDER BY priority DESC, audit, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
        ) head
        WHERE \(openTasks)
        ORDER BY head.priority DESC, head.audit, head.id
        LIMIT 1
        """
    static let namesTask = false
}

/// Claims from one task.
enum OneTaskClaim: ClaimTaskFilter {
    static let candidate = walkQueue(where: "AND task = $5 " + undisputedUnreviewed)
    static let namesTask = true
}

/// A lead's claim of a disputed item, from one task or any (rare: one statement serves both).
enum DisputedClaim: ClaimTaskFilter {
    static let candidate = walkQueue(where: "AND status = 'disputed' AND ($5::text IS NULL OR task = $5)")
    static let namesTask = true
}

/// A claim of the next waiting item, prepared once per connection: with one round trip per
/// claim, parsing and planning this statement (parse 0.5 ms, bind 1.0 ms in the server log at 100k waiting items) cost
/// about as much as running it (1.9 ms). Follows River/Oban: one `FOR UPDATE SKIP LOCKED` pick, then UPDATE … RETURNING.
///
/// It commits without waiting for its WAL to reach the disk (`synchronous_commit = off` for its own transaction only):
/// a lease is soft state that expires by itself, and the wait grows with the WAL the commit carries (a full-page image
/// of every page first touched after a checkpoint) and with whatever else the disk is writing. Alternating the two
/// builds on one cluster of 30,000 waiting items, the server's own time per claim fell from 2.11–2.27 to 1.85–1.95 ms.
/// A crash loses at most the last fraction of a second of claims: those items wait again, and a reviewer who held one
/// is told the lease is gone when they decide (the decision re-checks it). Decisions commit synchronously, and a
/// decision's flush carries the claim's WAL before it, so no decision is durable without its claim.
struct ClaimStatement<Filter: ClaimTaskFilter>: PostgresPreparedStatement {
    typealias Row = ClaimedItem

    static var sql: String {
        """
        WITH full_tasks AS (
            -- Tasks where this reviewer already holds as many leases as the task allows.
            SELECT l.task FROM items l JOIN tasks t ON t.name = l.task
            WHERE l.queue_state = 'leased' AND l.lease_holder = $1
            GROUP BY l.task, t.max_leases HAVING count(*) >= t.max_leases
        ), candidate AS (
            \(Filter.candidate)
        ), claimed AS (
            UPDATE items i SET queue_state = 'leased', lease_holder = $1,
                   lease_expires_at = $3::timestamptz + make_interval(secs => least(t.lease_seconds, coalesce($4::int, t.lease_seconds))),
                   claimed_at = $3, updated_at = $3,
                   status = CASE WHEN i.status = 'pending' THEN 'in_review' ELSE i.status END
            FROM candidate c, tasks t
            WHERE i.id = c.id AND t.name = i.task
            RETURNING \(PostgresReviewRepository.itemColumns)
        ), event AS (
            INSERT INTO item_events (item_id, event, actor, at, details)
            SELECT id, 'claimed', $1, $3, jsonb_build_object('lease_expires_at', lease_expires_at) FROM claimed
        )
        SELECT claimed.*, \(PostgresReviewRepository.taskColumns) FROM claimed JOIN tasks t ON t.name = claimed.task
        WHERE set_config('synchronous_commit', 'off', true) IS NOT NULL
        """
    }

    /// Declared, not inferred: PostgresNIO sends a nil without a type, and a statement first prepared with no lease
    /// length would take `$4` for int4 and misread a later int8.
    static var bindingDataTypes: [PostgresDataType] {
        [.text, .textArray, .timestamptz, .int8] + (Filter.namesTask ? [.text] : [])
    }

    let actor: String
    let scope: [String]?
    let now: Date
    let leaseSeconds: Int?
    let task: String?

    func makeBindings() throws -> PostgresBindings {
        var b = PostgresBindings(capacity: 5)
        b.append(actor); b.append(scope); b.append(now); b.append(leaseSeconds)
        if Filter.namesTask { b.append(task) }
        return b
    }

    func decodeRow(_ row: PostgresRow) throws -> ClaimedItem { try PostgresReviewRepository.decodeClaim(row) }
}
