import Foundation
import LoupeDomain
import PostgresNIO

/// Which waiting items a claim may take. One prepared statement per kind rather than one with
/// `($task IS NULL OR task = $task)` and a CASE on disputes, whose generic plan could not use the right index.
protocol ClaimTaskFilter: Sendable {
    /// The candidate's extra conditions; `$5` is the task when `namesTask`.
    static var clause: String { get }
    static var namesTask: Bool { get }
}

/// Nobody reviews an item twice (consensus reviews are blind and by different people); disputes go to leads who ask.
private let undisputedUnreviewed = """
    AND status <> 'disputed' AND NOT EXISTS (SELECT 1 FROM item_reviews r WHERE r.item_id = items.id AND r.reviewer = $1)
    """

/// Claims from every task the caller may review.
enum AnyTaskClaim: ClaimTaskFilter {
    static let clause = undisputedUnreviewed
    static let namesTask = false
}

/// Claims from one task.
enum OneTaskClaim: ClaimTaskFilter {
    static let clause = "AND task = $5 " + undisputedUnreviewed
    static let namesTask = true
}

/// A lead's claim of a disputed item, from one task or any (rare: one statement serves both).
enum DisputedClaim: ClaimTaskFilter {
    static let clause = "AND status = 'disputed' AND ($5::text IS NULL OR task = $5)"
    static let namesTask = true
}

/// A claim of the next waiting item, prepared once per connection: with one round trip per
/// claim, parsing and planning this statement (parse 0.5 ms, bind 1.0 ms in the server log at 100k waiting items) cost
/// about as much as running it (1.9 ms). Follows River/Oban: one `FOR UPDATE SKIP LOCKED` pick, then UPDATE … RETURNING.
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
            SELECT id FROM items
            WHERE queue_state = 'waiting' \(Filter.clause)
              AND ($2::text[] IS NULL OR task = ANY ($2::text[]))
              AND task NOT IN (SELECT task FROM full_tasks)
              -- Reviewer pools: a task with a `reviewers` list is claimed only by those it names, directly (email,
              -- key:ID) or through a group of theirs.
              AND task IN (SELECT t.name FROM tasks t WHERE loupe_may_review(t.reviewers, $1))
              -- A gold item's copy belongs to the one reviewer it was served to. Not `gold_id IS NULL`: before
              -- statistics exist the planner takes IS NULL to keep 0.5% of rows, and sorted the whole queue (870 ms at
              -- 100k waiting) instead of walking the queue index (1.5 ms).
              AND NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = items.id)
            ORDER BY priority DESC, audit, id
            LIMIT 1
            FOR UPDATE SKIP LOCKED
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
