import Foundation

/// Which items an erasure takes.
public enum ErasureTarget: Sendable {
    /// One item by its upstream id (an erasure request); decided or not.
    case item(task: String, externalID: String)
    /// Decided items of a task decided before a time (`loupe purge`).
    case decidedBefore(task: String, cutoff: Date)
    /// Decided items of every task with `retention_days`, past it (the retention service).
    case pastRetention
}

/// Erases item content everywhere it was copied, keeping each item's skeleton: input, output, final output,
/// metadata, the decision's reason, the callback URL, examples made from it, history details and undelivered
/// webhook deliveries go; ids, status, decision action, times, confidence, prompt version and reasons stay.
public protocol ErasureRepository: Sendable {
    /// Erases up to `limit` items in one transaction and appends an `item.erased` event for each; returns the
    /// items erased now (an item erased before is not erased again).
    func erase(_ target: ErasureTarget, actor: String, now: Date, limit: Int) async throws -> [UUID]
    /// The item a task's upstream id names, erased or not.
    func find(task: String, externalID: String) async throws -> UUID?
}
