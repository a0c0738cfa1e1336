import Foundation
import LoupeJSON

/// `POST /v1/items/{id}/comments {text, flag?}`: a note on an item for the next reviewer, or (flag) for the lead.
public struct NewComment: Sendable, Equatable {
    public static let maxLength = 4000
    public let text: String
    public let flag: Bool

    public init(text: String, flag: Bool) {
        self.text = text
        self.flag = flag
    }

    public static func parse(_ body: JSONValue) throws(Problem) -> NewComment {
        var r = try FieldReader(body)
        r.rejectUnknown(allowed: ["text", "flag"])
        let text = r.string("text", required: true, maxLength: maxLength)?.trimmingCharacters(in: .whitespacesAndNewlines)
        if text?.isEmpty == true { r.error("text", "must not be blank") }
        var flag = false
        if let v = r.value("flag", required: false), !v.isNull {
            if let b = v.boolValue { flag = b } else { r.error("flag", "must be true or false") }
        }
        guard r.errors.isEmpty, let text else { throw Problem.invalid(r.errors) }
        return NewComment(text: text, flag: flag)
    }

    /// The history row's details.
    public var details: JSONValue { ["text": .string(text), "flag": .bool(flag)] }
}

/// Comments are history rows (`commented`), so they keep their order among claims and decisions.
public protocol CommentRepository: Sendable {
    /// Adds the comment; nil for an unknown item. An erased item takes no comments (409).
    func add(_ comment: NewComment, item: UUID, actor: String, now: Date) async throws -> ItemEvent?
    /// The item's comments in order; nil for an unknown item.
    func comments(item: UUID) async throws -> [ItemEvent]?
}
