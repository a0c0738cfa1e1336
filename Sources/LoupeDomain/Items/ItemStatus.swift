/// Where an item stands. Stored as text with a CHECK constraint of the same values.
public enum ItemStatus: String, Sendable, CaseIterable {
    case pending, inReview = "in_review", approved, corrected, rejected
}
