import Foundation
import JSONSchema
import LoupeJSON

/// One kind of model output with its own routing rules.
public struct TaskDefinition: Sendable, Equatable {
    public static let defaultThreshold = 0.85
    public static let defaultLeaseSeconds = 600
    public static let defaultMaxLeases = 3

    public var name: String
    public var outputSchema: JSONValue
    public var threshold: Double
    public var fieldThresholds: [String: Double]
    public var auditRate: Double
    public var instructions: String
    public var leaseSeconds: Int
    /// Keep human approvals of pending items as positive few-shot examples (corrections always are).
    public var approvalsAsExamples: Bool
    /// Leases of this task one reviewer may hold at once.
    public var maxLeases: Int = defaultMaxLeases
    /// Default seconds from intake until a queued item's deadline (nil: no deadline), and what happens then.
    public var deadlineSeconds: Int?
    public var onDeadline: DeadlineAction = .reject
    /// Values replaced with "[redacted]" before an item is stored.
    public var redact = Redaction(pointers: [])
    /// Decided items lose their content this many days after the decision (nil: kept).
    public var retentionDays: Int?
    /// The PostgreSQL text search configuration inputs are written in: stemming and stop words for few-shot search.
    public var textSearchConfig = TextSearchConfig.default
    /// Length of the embeddings intake accepts (nil: the task takes none).
    public var embeddingDimensions: Int?
    /// When to raise `task.drift` (nil: never).
    public var driftAlert: DriftAlert?
    /// Reviews by different people a consensus item needs, and the share of queued items that are consensus items.
    public var reviewsRequired = 1
    public var consensusRate = 1.0
    /// Who may claim this task's items: emails, `group:NAME`, `key:ID`; empty for every reviewer and lead.
    public var reviewers: [String] = []
    /// The share of claims that serve a gold item (one whose right output is known) while real items wait.
    public var goldRate = 0.0
    public var createdAt: Date?
    public var updatedAt: Date?

    public init(name: String, outputSchema: JSONValue, threshold: Double = defaultThreshold,
                fieldThresholds: [String: Double] = [:], auditRate: Double = 0, instructions: String = "",
                leaseSeconds: Int = defaultLeaseSeconds, approvalsAsExamples: Bool = false, createdAt: Date? = nil,
                updatedAt: Date? = nil) {
        self.name = name
        self.outputSchema = outputSchema
        self.threshold = threshold
        self.fieldThresholds = fieldThresholds
        self.auditRate = auditRate
        self.instructions = instructions
        self.leaseSeconds = leaseSeconds
        self.approvalsAsExamples = approvalsAsExamples
        self.createdAt = createdAt
        self.updatedAt = updatedAt
    }

    /// Task names appear in URLs and exports, so they stay simple.
    public static func isValidName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, name.unicodeScalars.count <= 64,
              first.properties.isAlphabetic || ("0"..."9").contains(first), first.isASCII else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || "_.-".unicodeScalars.contains($0)) }
    }

    /// Builds a task from a `PUT /v1/tasks/{name}` body; 422 naming each problem otherwise.
    public static func parse(name: String, body: JSONValue) throws(Problem) -> TaskDefinition {
        guard isValidName(name) else {
            throw Problem.invalid(field: "name", "task names are 1–64 ASCII letters, digits, '_', '.' or '-', starting with a letter or digit")
        }
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["output_schema", "threshold", "field_thresholds", "audit_rate", "instructions", "lease_seconds", "approvals_as_examples",
                          "max_leases", "deadline_seconds", "on_deadline", "redact", "retention_days",
                          "text_search_config", "embedding_dimensions", "drift_alert",
                          "reviews_required", "consensus_rate", "reviewers", "gold_rate"])
        let schema = r.value("output_schema", required: true)
        if let schema {
            for problem in SchemaCheck.problems(in: schema) { r.error("output_schema", problem) }
        }
        let threshold = r.number("threshold", in: 0...1) ?? defaultThreshold
        let fieldThresholds = r.pointerScores("field_thresholds") ?? [:]
        let auditRate = r.number("audit_rate", in: 0...1) ?? 0
        var instructions = ""
        if let v = r.value("instructions", required: false), !v.isNull {
            if case .string(let s) = v, s.count <= 20_000 { instructions = s } else { r.error("instructions", "must be a string of at most 20000 characters") }
        }
        let lease = r.integer("lease_seconds", in: 10...86_400) ?? defaultLeaseSeconds
        let maxLeases = r.integer("max_leases", in: 1...100) ?? defaultMaxLeases
        var approvals = false
        if let v = r.value("approvals_as_examples", required: false), !v.isNull {
            if let b = v.boolValue { approvals = b } else { r.error("approvals_as_examples", "must be true or false") }
        }
        let deadline = r.integer("deadline_seconds", in: ItemDeadline.range)
        let onDeadline = r.choice("on_deadline", DeadlineAction.self) ?? .reject
        let redact = Redaction.parse(r.value("redact", required: false), field: "redact", into: &r)
        let retention = r.integer("retention_days", in: 1...36_500)
        let textConfig = r.string("text_search_config", maxLength: 64) ?? TextSearchConfig.default
        if !TextSearchConfig.all.contains(textConfig) {
            r.error("text_search_config", "must be one of PostgreSQL's configurations: \(TextSearchConfig.all.joined(separator: ", "))")
        }
        let dimensions = r.integer("embedding_dimensions", in: 1...Embedding.maxDimensions)
        let drift = DriftAlert.parse(r.value("drift_alert", required: false), into: &r)
        let reviews = r.integer("reviews_required", in: 1...5) ?? 1
        let consensus = r.number("consensus_rate", in: 0...1) ?? 1
        let pool = ReviewerPool.parse(r.value("reviewers", required: false), into: &r)
        let gold = r.number("gold_rate", in: 0...1) ?? 0
        guard r.errors.isEmpty, let schema else { throw Problem.invalid(r.errors) }
        var task = TaskDefinition(name: name, outputSchema: schema, threshold: threshold, fieldThresholds: fieldThresholds,
                                  auditRate: auditRate, instructions: instructions, leaseSeconds: lease, approvalsAsExamples: approvals)
        task.maxLeases = maxLeases
        task.deadlineSeconds = deadline
        task.onDeadline = onDeadline
        task.redact = redact
        task.retentionDays = retention
        task.textSearchConfig = textConfig
        task.embeddingDimensions = dimensions
        task.driftAlert = drift
        task.reviewsRequired = reviews
        task.consensusRate = consensus
        task.reviewers = pool
        task.goldRate = gold
        return task
    }

    public var json: JSONValue {
        var thresholds = JSONObject()
        for key in fieldThresholds.keys.sorted() { thresholds[key] = .double(fieldThresholds[key]!) }
        var o: JSONObject = [
            "name": .string(name), "output_schema": outputSchema, "threshold": .double(threshold),
            "field_thresholds": .object(thresholds), "audit_rate": .double(auditRate),
            "instructions": .string(instructions), "lease_seconds": .int(leaseSeconds),
            "approvals_as_examples": .bool(approvalsAsExamples), "max_leases": .int(maxLeases),
            "deadline_seconds": deadlineSeconds.map { .int($0) } ?? .null, "on_deadline": .string(onDeadline.rawValue),
            "redact": .array(redact.pointers.map { .string($0) }), "retention_days": retentionDays.map { .int($0) } ?? .null,
            "text_search_config": .string(textSearchConfig), "embedding_dimensions": embeddingDimensions.map { .int($0) } ?? .null,
            "drift_alert": driftAlert?.json ?? .null,
            "reviews_required": .int(reviewsRequired), "consensus_rate": .double(consensusRate),
            "reviewers": .array(reviewers.map(JSONValue.string)), "gold_rate": .double(goldRate),
        ]
        if let createdAt { o["created_at"] = .string(Timestamp.string(createdAt)) }
        if let updatedAt { o["updated_at"] = .string(Timestamp.string(updatedAt)) }
        return .object(o)
    }

    /// Field-threshold pointers the schema does not declare: accepted (the output may still carry them), but
    /// most likely a typo, so the answer says so.
    public var warnings: [String] {
        fieldThresholds.keys.sorted().compactMap { pointer in
            SchemaPaths.declares(outputSchema, pointer: pointer) ? nil
                : "field_thresholds \(pointer): the output_schema declares no such field; check the spelling"
        }
    }
}

/// A task's `reviewers`: who may claim its items.
public enum ReviewerPool {
    /// Emails (lower-cased), `group:NAME` and `key:ID` entries; 422 naming a bad one.
    static func parse(_ value: JSONValue?, into r: inout FieldReader) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let list = value.arrayValue?.compactMap(\.stringValue), list.count == value.arrayValue?.count, list.count <= 500 else {
            r.error("reviewers", "must be an array of at most 500 entries: emails, \"group:NAME\" or \"key:ID\"")
            return []
        }
        var pool: [String] = []
        for entry in list {
            let lowered = entry.lowercased()
            if lowered.hasPrefix("group:"), TaskDefinition.isValidName(String(entry.dropFirst(6))) {
                pool.append("group:" + entry.dropFirst(6))
            } else if lowered.hasPrefix("key:"), UUID(uuidString: String(entry.dropFirst(4))) != nil {
                pool.append(lowered)
            } else if entry.contains("@"), (3...254).contains(entry.count), !entry.contains(" ") {
                pool.append(lowered)
            } else {
                r.error("reviewers", "'\(entry.prefix(80))' is not an email, \"group:NAME\" or \"key:ID\"")
            }
        }
        return Array(Set(pool)).sorted()
    }
}
