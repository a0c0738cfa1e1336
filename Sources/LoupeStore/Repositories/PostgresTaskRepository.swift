import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Tasks in the `tasks` table.
public struct PostgresTaskRepository: TaskRepository {
    let client: GatedPool
    let logger: Logger

    static let columns = columns()

    /// Task columns for `decode`; with a prefix, every name gets it (to sit beside item columns).
    static func columns(_ a: String = "tasks", prefix p: String = "") -> String {
        """
        \(a).name AS \(p)name, \(a).output_schema::text AS \(p)output_schema, \(a).threshold AS \(p)threshold,
        \(a).field_thresholds::text AS \(p)field_thresholds, \(a).audit_rate AS \(p)audit_rate,
        \(a).instructions AS \(p)instructions, \(a).lease_seconds AS \(p)lease_seconds,
        \(a).approvals_as_examples AS \(p)approvals_as_examples, \(a).max_leases AS \(p)max_leases,
        \(a).deadline_seconds AS \(p)deadline_seconds, \(a).on_deadline AS \(p)on_deadline,
        \(a).redact::text AS \(p)redact, \(a).retention_days AS \(p)retention_days,
        \(a).text_search_config AS \(p)text_search_config, \(a).embedding_dimensions AS \(p)embedding_dimensions,
        \(a).drift_target_error AS \(p)drift_target_error, \(a).drift_window_days AS \(p)drift_window_days,
        \(a).reviews_required AS \(p)reviews_required, \(a).consensus_rate AS \(p)consensus_rate, \(a).reviewers AS \(p)reviewers,
        \(a).gold_rate AS \(p)gold_rate,
        \(a).created_at AS \(p)created_at, \(a).updated_at AS \(p)updated_at
        """
    }

    public func upsert(_ task: TaskDefinition, now: Date) async throws -> (task: TaskDefinition, created: Bool) {
        var thresholds = JSONObject()
        for (k, v) in task.fieldThresholds { thresholds[k] = .double(v) }
        let pointers = SchemaPaths.leaves(task.outputSchema)
        let rows = try await client.query("""
            INSERT INTO tasks (name, output_schema, threshold, field_thresholds, audit_rate, instructions, lease_seconds,
                               approvals_as_examples, created_at, updated_at, max_leases, deadline_seconds, on_deadline,
                               redact, retention_days, text_search_config, embedding_dimensions, drift_target_error, drift_window_days,
                               reviews_required, consensus_rate, reviewers, gold_rate, field_pointers, field_rollup_pointers)
            VALUES (\(task.name), \(task.outputSchema.sqlText)::json, \(task.threshold), \(JSONValue.object(thresholds).sqlText)::jsonb,
                    \(task.auditRate), \(task.instructions), \(task.leaseSeconds), \(task.approvalsAsExamples), \(now), \(now), \(task.maxLeases),
                    \(task.deadlineSeconds), \(task.onDeadline.rawValue),
                    \(JSONValue.array(task.redact.pointers.map { .string($0) }).sqlText)::jsonb, \(task.retentionDays),
                    \(task.textSearchConfig), \(task.embeddingDimensions), \(task.driftAlert?.targetError), \(task.driftAlert?.windowDays),
                    \(Int16(task.reviewsRequired)), \(task.consensusRate), \(task.reviewers), \(task.goldRate),
                    \(pointers), \(pointers))
            ON CONFLICT (name) DO UPDATE SET
                output_schema = EXCLUDED.output_schema, threshold = EXCLUDED.threshold,
                field_thresholds = EXCLUDED.field_thresholds, audit_rate = EXCLUDED.audit_rate,
                instructions = EXCLUDED.instructions, lease_seconds = EXCLUDED.lease_seconds,
                approvals_as_examples = EXCLUDED.approvals_as_examples, updated_at = EXCLUDED.updated_at,
                max_leases = EXCLUDED.max_leases, deadline_seconds = EXCLUDED.deadline_seconds, on_deadline = EXCLUDED.on_deadline,
                redact = EXCLUDED.redact, retention_days = EXCLUDED.retention_days,
                text_search_config = EXCLUDED.text_search_config, embedding_dimensions = EXCLUDED.embedding_dimensions,
                drift_target_error = EXCLUDED.drift_target_error, drift_window_days = EXCLUDED.drift_window_days,
                reviews_required = EXCLUDED.reviews_required, consensus_rate = EXCLUDED.consensus_rate, reviewers = EXCLUDED.reviewers,
                gold_rate = EXCLUDED.gold_rate,
                -- A new task's field rollup is empty and so valid; a changed schema's is rebuilt by the RollupCompactor.
                field_pointers = EXCLUDED.field_pointers
            RETURNING created_at, updated_at, (xmax = 0) AS inserted
            """, logger: logger)
        var stored: (task: TaskDefinition, created: Bool)?
        for try await (createdAt, updatedAt, inserted) in rows.decode((Date, Date, Bool).self) {
            var task = task
            task.createdAt = createdAt
            task.updatedAt = updatedAt
            stored = (task, inserted)
        }
        guard let stored else { throw StoreError.configuration("upsert of task \(task.name) returned no row") }
        // Examples are searched in the language they were stored in: a changed language stems them anew.
        try await client.query("""
            UPDATE examples SET text_config = \(task.textSearchConfig)::regconfig
            WHERE task = \(task.name) AND text_config <> \(task.textSearchConfig)::regconfig
            """, logger: logger)
        return stored
    }

    public func get(_ name: String) async throws -> TaskDefinition? {
        for try await task in try await client.execute(TaskByNameStatement(name: name), logger: logger) { return task }
        return nil
    }

    public func list() async throws -> [TaskDefinition] {
        var result: [TaskDefinition] = []
        for try await row in try await client.query("SELECT \(unescaped: Self.columns) FROM tasks ORDER BY name", logger: logger) {
            result.append(try Self.decode(row))
        }
        return result
    }

    static func decode(_ row: PostgresRow) throws -> TaskDefinition {
        try decode(row.makeRandomAccess())
    }

    static func decode(_ r: PostgresRandomAccessRow, prefix p: String = "") throws -> TaskDefinition {
        var thresholds: [String: Double] = [:]
        if case .object(let o) = try r.json(p + "field_thresholds") {
            for (k, v) in o { thresholds[k] = v.doubleValue }
        }
        var task = TaskDefinition(
            name: try r.value(p + "name"), outputSchema: try r.json(p + "output_schema"), threshold: try r.value(p + "threshold"),
            fieldThresholds: thresholds, auditRate: try r.value(p + "audit_rate"), instructions: try r.value(p + "instructions"),
            leaseSeconds: try r.value(p + "lease_seconds"), approvalsAsExamples: try r.value(p + "approvals_as_examples"),
            createdAt: try r.value(p + "created_at"),
            updatedAt: try r.value(p + "updated_at"))
        task.maxLeases = try r.value(p + "max_leases")
        task.deadlineSeconds = try r.value(p + "deadline_seconds")
        task.onDeadline = DeadlineAction(rawValue: try r.value(p + "on_deadline")) ?? .reject
        if case .array(let pointers) = try r.json(p + "redact") { task.redact = Redaction(pointers: pointers.compactMap(\.stringValue)) }
        task.retentionDays = try r.value(p + "retention_days")
        task.textSearchConfig = try r.value(p + "text_search_config")
        task.embeddingDimensions = try r.value(p + "embedding_dimensions")
        if let target: Double = try r.value(p + "drift_target_error"), let days: Int = try r.value(p + "drift_window_days") {
            task.driftAlert = DriftAlert(targetError: target, windowDays: days)
        }
        task.reviewsRequired = Int(try r.value(p + "reviews_required", as: Int16.self))
        task.consensusRate = try r.value(p + "consensus_rate")
        task.reviewers = try r.value(p + "reviewers")
        task.goldRate = try r.value(p + "gold_rate")
        return task
    }
}
