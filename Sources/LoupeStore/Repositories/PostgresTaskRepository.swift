import Foundation
import LoupeDomain
import LoupeJSON
import Logging
import PostgresNIO

/// Tasks in the `tasks` table.
public struct PostgresTaskRepository: TaskRepository {
    let client: PostgresClient
    let logger: Logger

    static let columns = """
        name, output_schema::text AS output_schema, threshold, field_thresholds::text AS field_thresholds,
        audit_rate, instructions, lease_seconds, created_at, updated_at
        """

    public func upsert(_ task: TaskDefinition, now: Date) async throws -> (task: TaskDefinition, created: Bool) {
        var thresholds = JSONObject()
        for (k, v) in task.fieldThresholds { thresholds[k] = .double(v) }
        let rows = try await client.query("""
            INSERT INTO tasks (name, output_schema, threshold, field_thresholds, audit_rate, instructions, lease_seconds, created_at, updated_at)
            VALUES (\(task.name), \(task.outputSchema.sqlText)::jsonb, \(task.threshold), \(JSONValue.object(thresholds).sqlText)::jsonb,
                    \(task.auditRate), \(task.instructions), \(task.leaseSeconds), \(now), \(now))
            ON CONFLICT (name) DO UPDATE SET
                output_schema = EXCLUDED.output_schema, threshold = EXCLUDED.threshold,
                field_thresholds = EXCLUDED.field_thresholds, audit_rate = EXCLUDED.audit_rate,
                instructions = EXCLUDED.instructions, lease_seconds = EXCLUDED.lease_seconds, updated_at = EXCLUDED.updated_at
            RETURNING created_at, updated_at, (xmax = 0) AS inserted
            """, logger: logger)
        for try await (createdAt, updatedAt, inserted) in rows.decode((Date, Date, Bool).self) {
            var stored = task
            stored.createdAt = createdAt
            stored.updatedAt = updatedAt
            return (stored, inserted)
        }
        throw StoreError.configuration("upsert of task \(task.name) returned no row")
    }

    public func get(_ name: String) async throws -> TaskDefinition? {
        let rows = try await client.query("SELECT \(unescaped: Self.columns) FROM tasks WHERE name = \(name)", logger: logger)
        for try await row in rows { return try Self.decode(row) }
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
        let r = row.makeRandomAccess()
        var thresholds: [String: Double] = [:]
        if case .object(let o) = try r.json("field_thresholds") {
            for (k, v) in o { thresholds[k] = v.doubleValue }
        }
        return TaskDefinition(
            name: try r.value("name"), outputSchema: try r.json("output_schema"), threshold: try r.value("threshold"),
            fieldThresholds: thresholds, auditRate: try r.value("audit_rate"), instructions: try r.value("instructions"),
            leaseSeconds: try r.value("lease_seconds"), createdAt: try r.value("created_at"), updatedAt: try r.value("updated_at"))
    }
}
