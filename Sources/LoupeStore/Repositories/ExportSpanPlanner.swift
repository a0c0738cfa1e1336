import Foundation

extension PostgresExportRepository {
    /// The spans an export has yet to read, in id order, planned a few page ends ahead of the reader.
    struct SpanPlanner {
        /// Pages are planned through this id.
        private(set) var cursor: UUID
        /// The last span reaches the end of the rows: nothing more to plan unless a read finds more.
        private(set) var finished = false
        private(set) var spans: [Span] = []

        init(cursor: UUID) { self.cursor = cursor }

        /// Spans ending at each of `ends`; when the rows ran out before the last planned end (`complete` false),
        /// one open span for the rest.
        mutating func plan(_ ends: [UUID], complete: Bool) {
            for end in ends {
                spans.append(Span(after: cursor, through: end))
                cursor = end
            }
            if !complete {
                spans.append(Span(after: cursor, through: nil))
                finished = true
            }
        }

        mutating func next() -> Span? { spans.isEmpty ? nil : spans.removeFirst() }

        /// The open last span filled its cap: rows after `id` are planned again.
        mutating func resume(after id: UUID) {
            cursor = id
            finished = false
        }
    }
}
