import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Items in the `items` table. Intake of any batch size is one INSERT over `unnest`ed arrays.
public struct PostgresItemRepository: ItemRepository {
    let client: GatedPool
    /// Lists and history may come from the read replica.
    let reads: ReadPool
    let logger: Logger

    /// The item columns as `ItemRecord` decodes them, qualified by `alias`.
    static func columns(_ a: String = "items") -> String {
        """
        \(a).id, \(a).task, \(a).external_id, \(a).status, \(a).audit, \(a).priority, \(a).input::text AS input,
        \(a).output::text AS output, \(a).confidence, \(a).field_confidence::text AS field_confidence, \(a).model,
        \(a).prompt_version, \(a).metadata::text AS metadata, \(a).reasons::text AS reasons,
        \(a).final_output::text AS final_output, \(a).changes::text AS changes, \(a).decision_action, \(a).decided_by, \(a).decided_at,
        \(a).decision_reason, \(a).created_at, \(a).queue_state, \(a).lease_holder, \(a).lease_expires_at,
        \(a).auto_approved_at, \(a).audit_verdict, \(a).deadline_at, \(a).on_deadline, \(a).escalated_at, \(a).erased_at,
        (\(a).gold_id IS NOT NULL) AS gold
        """
    }

    public func insert(_ items: [RoutedItem], actor: String, now: Date) async throws -> [IntakeResult] {
        guard !items.isEmpty else { return [] }
        // One statement: the items (their intake history with them, migration 0038) and their outbox rows commit together.
        let columns = IntakeColumns(items, actor: actor, now: now)
        var inserted = Set<UUID>()
        let rows = if items.contains(where: { $0.submission.externalID != nil }) {
            try await client.execute(IdempotentIntakeStatement(columns: columns), logger: logger)
        } else {
            try await client.execute(IntakeStatement(columns: columns), logger: logger)
        }
        for try await id in rows { inserted.insert(id) }

        var existing: [String: IntakeResult] = [:]
        let repeats = items.filter { !inserted.contains($0.id) }
        if !repeats.isEmpty {
            let found = try await client.query("""
                SELECT i.id, i.task, i.external_id, i.status, i.reasons::text
                FROM items i
                JOIN unnest(\(repeats.map(\.submission.task))::text[], \(repeats.map { $0.submission.externalID ?? "" })::text[])
                     AS k(task, external_id) ON i.task = k.task AND i.external_id = k.external_id
                WHERE i.gold_id IS NULL
                """, logger: logger)
            for try await (id, task, externalID, status, reasons) in found.decode((UUID, String, String, String, String).self) {
                existing[task + "\u{0}" + externalID] = IntakeResult(
                    id: id, status: ItemStatus(rawValue: status) ?? .pending,
                    reasons: (try? JSONParser.parse(reasons)) ?? .array([]), created: false)
            }
        }
        return try items.map { item in
            if inserted.contains(item.id) {
                return IntakeResult(id: item.id, status: item.routing.status,
                                    reasons: item.routing.reasonsJSON, created: true)
            }
            guard let externalID = item.submission.externalID,
                  let found = existing[item.submission.task + "\u{0}" + externalID] else {
                throw StoreError.configuration("item \(item.id) was neither inserted nor found")
            }
            return found
        }
    }

    static func scores(_ scores: [String: Double]) -> JSONValue {
        var o = JSONObject()
        for key in scores.keys.sorted() { o[key] = .double(scores[key]!) }
        return .object(o)
    }

    public func get(_ id: UUID) async throws -> ItemRecord? {
        for try await item in try await client.execute(ItemByIDStatement(id: id), logger: logger) { return item }
        return nil
    }

    public func list(_ query: ItemQuery) async throws -> [ItemRecord] {
        // Gold items' copies are reviewers' tests, not upstream work: never listed (an anti-join, not `gold_id IS
        // NULL`, which the planner underestimates before statistics exist and then sorts the task instead of paging).
        var sql = "SELECT \(Self.columns()) FROM items WHERE NOT EXISTS (SELECT 1 FROM gold_servings s WHERE s.item_id = items.id)"
        var binds = PostgresBindings()
        func bind(_ clause: String, _ value: some PostgresEncodable & Sendable) throws {
            try binds.append(value)
            sql += clause.replacingOccurrences(of: "$?", with: "$\(binds.count)")
        }
        if let task = query.task { try bind(" AND task = $?", task) }
        if let allowed = query.allowedTasks { try bind(" AND task = ANY ($?::text[])", allowed) }
        if let status = query.status { try bind(" AND status = $?", status.rawValue) }
        if let version = query.promptVersion { try bind(" AND prompt_version = $?", version) }
        if query.flagged {
            sql += " AND EXISTS (SELECT 1 FROM item_events e WHERE e.item_id = items.id AND e.event = 'commented' AND e.details @> '{\"flag\": true}')"
        }
        if let after = query.after { try bind(query.descending ? " AND id < $?" : " AND id > $?", after) }
        sql += query.descending ? " ORDER BY id DESC" : " ORDER BY id"
        try bind(" LIMIT $?", query.limit)
        var result: [ItemRecord] = []
        for try await row in try await reads.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: logger) {
            result.append(try Self.decode(row))
        }
        return result
    }

    static func decode(_ row: PostgresRow) throws -> ItemRecord {
        try decode(row.makeRandomAccess())
    }

    static func decode(_ r: PostgresRandomAccessRow) throws -> ItemRecord {
        var decision: ItemRecord.Decision?
        if let action: String = try r.value("decision_action") {
            decision = .init(action: action, by: try r.value("decided_by", as: String?.self) ?? "unknown",
                             at: try r.value("decided_at", as: Date?.self) ?? Date(timeIntervalSince1970: 0),
                             reason: try r.value("decision_reason"))
            if case let changes = try r.json("changes"), changes != .null { decision?.changes = changes }
        }
        var item = ItemRecord(
            id: try r.value("id"), task: try r.value("task"), externalID: try r.value("external_id"),
            status: ItemStatus(rawValue: try r.value("status")) ?? .pending, audit: try r.value("audit"),
            input: try r.json("input"), output: try r.json("output"), confidence: try r.value("confidence"),
            fieldConfidence: try r.json("field_confidence"), model: try r.value("model"),
            promptVersion: try r.value("prompt_version"), metadata: try r.json("metadata"), priority: try r.value("priority"),
            reasons: try r.json("reasons"), finalOutput: try r.json("final_output"), decision: decision,
            createdAt: try r.value("created_at"), queueState: try r.value("queue_state"),
            leaseHolder: try r.value("lease_holder"), leaseExpiresAt: try r.value("lease_expires_at"),
            autoApprovedAt: try r.value("auto_approved_at"), auditVerdict: try r.value("audit_verdict"))
        item.deadlineAt = try r.value("deadline_at")
        item.onDeadline = (try r.value("on_deadline", as: String?.self)).flatMap(DeadlineAction.init(rawValue:))
        item.escalatedAt = try r.value("escalated_at")
        item.erasedAt = try r.value("erased_at")
        item.gold = try r.value("gold")
        return item
    }
}
