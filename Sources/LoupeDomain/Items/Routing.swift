import Crypto
import Foundation
import LoupeJSON

/// Why an item was queued for a person rather than auto-approved.
public struct RoutingReason: Sendable, Equatable {
    public enum Code: String, Sendable { case belowThreshold = "below_threshold", fieldBelowThreshold = "field_below_threshold", schemaInvalid = "schema_invalid" }
    public let code: Code
    public let message: String
    public var pointer: String?
    public var keyword: String?
    /// Kept as JSON numbers: writing a double's digits is the dear part, and intake wrote each twice per queued item
    /// (once in the message, once in the JSON).
    public var thresholdNumber: JSONNumber?
    public var valueNumber: JSONNumber?
    public var threshold: Double? { thresholdNumber?.value }
    public var value: Double? { valueNumber?.value }

    public init(code: Code, message: String, pointer: String? = nil, keyword: String? = nil,
                threshold: JSONNumber? = nil, value: JSONNumber? = nil) {
        self.code = code
        self.message = message
        self.pointer = pointer
        self.keyword = keyword
        self.thresholdNumber = threshold
        self.valueNumber = value
    }

    /// The item's confidence is under the task's threshold.
    public static func belowThreshold(confidence: JSONNumber, threshold: JSONNumber) -> RoutingReason {
        RoutingReason(code: .belowThreshold,
                      message: "confidence \(confidence.literal) is below the task threshold \(threshold.literal)",
                      threshold: threshold, value: confidence)
    }

    public var json: JSONValue {
        var o: JSONObject = ["code": .string(code.rawValue), "message": .string(message)]
        if let pointer { o["pointer"] = .string(pointer) }
        if let keyword { o["keyword"] = .string(keyword) }
        if let thresholdNumber { o["threshold"] = .number(thresholdNumber) }
        if let valueNumber { o["value"] = .number(valueNumber) }
        return .object(o)
    }
}

/// The routing decision for one submission: approved at once, or pending with reasons.
public struct Routing: Sendable {
    public let status: ItemStatus
    public let reasons: [RoutingReason]
    /// `reasons` as stored and answered, built once: intake wrote it twice per queued item (statement and answer).
    public let reasonsJSON: JSONValue
    /// An approved item also sampled into review to measure auto-approval's error rate.
    public let audit: Bool
    /// The task's audit rate when an approved item was routed: the chance it had of being sampled, whose inverse
    /// weighs its audit verdict in risk–coverage estimates (0 for pending items).
    public var auditRate = 0.0

    public init(status: ItemStatus, reasons: [RoutingReason], audit: Bool, auditRate: Double = 0) {
        self.status = status
        self.reasons = reasons
        self.reasonsJSON = .array(reasons.map(\.json))
        self.audit = audit
        self.auditRate = auditRate
    }

    /// Approved iff the output is schema-valid, `confidence >= threshold`, and every field threshold is met.
    public static func route(_ item: ItemSubmission, id: UUID, task: CompiledTask) -> Routing {
        var reasons: [RoutingReason] = []
        let t = task.definition
        if item.confidence < t.threshold {
            reasons.append(.belowThreshold(confidence: JSONNumber(item.confidence), threshold: task.threshold))
        }
        for (pointer, limit) in task.fieldThresholds {
            // A field without its own confidence is as confident as the item overall.
            let value = item.fieldConfidence?[pointer] ?? item.confidence
            if value < limit.value {
                let number = JSONNumber(value)
                reasons.append(RoutingReason(code: .fieldBelowThreshold,
                    message: "field \(pointer) confidence \(number.literal) is below its threshold \(limit.literal)",
                    pointer: pointer, threshold: limit, value: number))
            }
        }
        for error in task.schema.validate(item.output) {
            reasons.append(RoutingReason(code: .schemaInvalid,
                message: "output\(error.instancePath.isEmpty ? "" : " at " + error.instancePath) \(error.message)",
                pointer: error.instancePath, keyword: error.keyword))
        }
        let approved = reasons.isEmpty
        return Routing(status: approved ? .approved : .pending, reasons: reasons,
                       audit: approved && isAuditSample(id: id, rate: t.auditRate), auditRate: approved ? t.auditRate : 0)
    }

    /// Deterministic in the item id: the same item is always in or out of the sample.
    public static func isAuditSample(id: UUID, rate: Double) -> Bool {
        guard rate > 0 else { return false }
        guard rate < 1 else { return true }
        let digest = Array(SHA256.hash(data: withUnsafeBytes(of: id.uuid) { Array($0) }))
        let x = digest.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(x) / Double(UInt64.max) < rate
    }
}
