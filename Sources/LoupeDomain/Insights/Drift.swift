import Foundation
import LoupeJSON

/// A task's wish to hear when its auto-approvals get worse: `task.drift` once each time the error among them,
/// estimated from the audits of the last `windowDays`, has a 95% lower bound above `targetError`.
public struct DriftAlert: Sendable, Equatable {
    public let targetError: Double
    public let windowDays: Int

    public init(targetError: Double, windowDays: Int) {
        self.targetError = targetError
        self.windowDays = windowDays
    }

    /// `drift_alert`: null (no alert) or `{target_error, window_days}`.
    static func parse(_ value: JSONValue?, into r: inout FieldReader) -> DriftAlert? {
        guard let value, !value.isNull else { return nil }
        guard var inner = try? FieldReader(value, prefix: "drift_alert") else {
            r.error("drift_alert", "must be null or an object {target_error, window_days}")
            return nil
        }
        inner.rejectUnknown(allowed: ["target_error", "window_days"])
        let target = inner.number("target_error", required: true, in: 0.0001...0.9999)
        let days = inner.integer("window_days", in: 1...365)
        if inner.object["window_days"] == nil { inner.error("window_days", "is required") }
        for e in inner.errors { r.error(e.field, e.message) }
        guard inner.errors.isEmpty, let target, let days else { return nil }
        return DriftAlert(targetError: target, windowDays: days)
    }

    public var json: JSONValue { ["target_error": .double(targetError), "window_days": .int(windowDays)] }
}

/// The audits of one alerting task's window, weighted like risk–coverage (1 / the audit rate in force).
public struct DriftReading: Sendable, Equatable {
    public let task: String
    public let alert: DriftAlert
    public let drifting: Bool
    public let verdicts: Int
    public let weight: Double
    public let wrongWeight: Double
    public let weightSquares: Double

    public init(task: String, alert: DriftAlert, drifting: Bool, verdicts: Int, weight: Double, wrongWeight: Double, weightSquares: Double) {
        self.task = task
        self.alert = alert
        self.drifting = drifting
        self.verdicts = verdicts
        self.weight = weight
        self.wrongWeight = wrongWeight
        self.weightSquares = weightSquares
    }

    /// The estimated error among auto-approvals and its 95% interval (Wilson at Kish's effective size); nil without audits.
    public var estimate: DriftEstimate? {
        guard weight > 0, weightSquares > 0 else { return nil }
        let error = wrongWeight / weight, effective = weight * weight / weightSquares
        return DriftEstimate(n: verdicts, error: error, low: RiskCoverage.wilson(error, effective, lower: true),
                             high: RiskCoverage.wilson(error, effective, lower: false))
    }

    /// Drifting from the moment the lower bound rises above the target until it is back at or under it.
    public var drifts: Bool { (estimate?.low ?? 0) > alert.targetError }
}

/// The error among a window's auto-approvals, from `n` audits.
public struct DriftEstimate: Sendable, Equatable {
    public let n: Int
    public let error: Double
    public let low: Double
    public let high: Double

    public init(n: Int, error: Double, low: Double, high: Double) {
        self.n = n
        self.error = error
        self.low = low
        self.high = high
    }

    public var json: JSONObject {
        func r(_ x: Double) -> JSONValue { .double((x * 10000).rounded() / 10000) }
        return ["n": .int(n), "error": r(error), "ci": [r(low), r(high)]]
    }
}

/// A task's drift as its last check left it.
public struct DriftStatus: Sendable, Equatable {
    public let drifting: Bool
    public let since: Date?
    public let checkedAt: Date?
    public let estimate: DriftEstimate?

    public init(drifting: Bool, since: Date?, checkedAt: Date?, estimate: DriftEstimate?) {
        self.drifting = drifting
        self.since = since
        self.checkedAt = checkedAt
        self.estimate = estimate
    }

    /// `GET /v1/tasks/{name}/drift` and the `task.drift` event's `drift`.
    public func json(alert: DriftAlert?) -> JSONValue {
        var o: JSONObject = ["drift_alert": alert?.json ?? .null, "drifting": .bool(drifting),
                             "since": since.map { .string(Timestamp.string($0)) } ?? .null,
                             "checked_at": checkedAt.map { .string(Timestamp.string($0)) } ?? .null]
        for (k, v) in estimate?.json ?? ["n": .int(0), "error": .null, "ci": .null] { o[k] = v }
        return .object(o)
    }
}

/// Drift state of alerting tasks.
public protocol DriftRepository: Sendable {
    /// The window's audits of every task with a drift alert.
    func readings(now: Date) async throws -> [DriftReading]
    /// Stores a check's outcome; true when this call flipped the task into drifting (and wrote its one `task.drift`).
    func record(_ reading: DriftReading, now: Date) async throws -> Bool
    /// The last check of `task`; nil when it was never checked.
    func status(task: String) async throws -> DriftStatus?
}
