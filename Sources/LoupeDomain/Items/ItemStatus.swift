/// Where an item stands. Stored as text with a CHECK constraint of the same values.
public enum ItemStatus: String, Sendable, CaseIterable {
    /// `disputed`: reviews required for consensus disagreed; a lead decides.
    case pending, inReview = "in_review", approved, corrected, rejected, disputed
}

extension ItemStatus {
    /// Approved, corrected or rejected: what an agent waiting on the item needs to go on.
    public var isDecided: Bool { self == .approved || self == .corrected || self == .rejected }
}
