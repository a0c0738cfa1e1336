import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Bulk approval with undo: `POST /v1/review/bulk` previews (and freezes) the waiting items a filter matches, leaving
/// out those invalid against the task's schema; `…/{id}/approve {count}` approves exactly those still waiting, each
/// with its own history row and `item.decided`; `…/{id}/undo` within 60 s returns them to the queue.
struct BulkController {
    static let previewLifetime: TimeInterval = 600
    static let undoWindow: TimeInterval = 60
    static let sampleSize = 20
    let deps: APIDependencies
    let catalog: TaskCatalog

    func register(_ routes: RouteRegistrar) {
        routes.add(.post, "/v1/review/bulk", roles: [.reviewer], preview)
        routes.add(.post, "/v1/review/bulk/{id}/approve", roles: [.reviewer], approve)
        routes.add(.post, "/v1/review/bulk/{id}/undo", roles: [.reviewer], undo)
    }

    var bulk: any BulkApprovalRepository {
        get throws { guard let bulk = deps.bulk else { throw Problem.notFound("this server has no bulk approval") }; return bulk }
    }

    @Sendable func preview(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let filter = try BulkFilter.parse(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4))
        try context.principal?.requireTask(filter.task)
        guard let task = try await catalog.task(named: filter.task) else { throw Problem.notFound("there is no task '\(filter.task)'") }
        let matched = try await bulk.candidates(filter, limit: BulkFilter.maxItems + 1)
        guard matched.count <= BulkFilter.maxItems else {
            throw Problem.invalid(field: "task", "more than \(BulkFilter.maxItems) waiting items match; narrow the filter (prompt version, confidence, text)")
        }
        // The same test a single approval gets: valid against the task's schema as it is now. Items that need several
        // reviews (consensus) are not one person's to approve, in bulk or not.
        let single = matched.filter { Consensus.required(id: $0.id, task: task.definition, audit: false) == 1 }
        let valid = single.filter { task.schema.validate($0.output).isEmpty }
        var body: JSONObject = ["count": .int(valid.count), "excluded_invalid": .int(single.count - valid.count),
                                "excluded_consensus": .int(matched.count - single.count), "filter": filter.json,
                                "items": .array(valid.prefix(Self.sampleSize).map { c in
                                    ["id": .string(c.id.uuidString.lowercased()), "confidence": .double(c.confidence), "excerpt": .string(c.excerpt)]
                                })]
        guard !valid.isEmpty else {
            body["id"] = .null
            return .json(.object(body))
        }
        let id = UUID(), now = deps.clock.now()
        try await bulk.freeze(id: id, actor: context.actor, filter: filter, ids: valid.map(\.id), now: now)
        body["id"] = .string(id.uuidString.lowercased())
        body["expires_at"] = .string(Timestamp.string(now.addingTimeInterval(Self.previewLifetime)))
        return .json(.object(body), status: .created)
    }

    @Sendable func approve(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.uuid("id")
        var r = try FieldReader(try await request.jsonBody(limit: 4096, maxDepth: 2))
        r.rejectUnknown(allowed: ["count"])
        let count = r.integer("count", in: 1...BulkFilter.maxItems)
        if r.object["count"] == nil { r.error("count", "is required: the number of items the preview showed") }
        guard r.errors.isEmpty, let count else { throw Problem.invalid(r.errors) }
        let now = deps.clock.now()
        switch try await bulk.apply(id: id, actor: context.actor, count: count, maxAge: Self.previewLifetime, now: now) {
        case .success(let approved):
            return .json(["id": .string(id.uuidString.lowercased()), "approved": .int(approved), "skipped": .int(count - approved),
                          "undo_until": .string(Timestamp.string(now.addingTimeInterval(Self.undoWindow)))])
        case .failure(let refusal):
            throw Self.problem(refusal, id: id)
        }
    }

    @Sendable func undo(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id")
        switch try await bulk.undo(id: id, actor: context.actor, window: Self.undoWindow, now: deps.clock.now()) {
        case .success(let reopened): return .json(["id": .string(id.uuidString.lowercased()), "reopened": .int(reopened)])
        case .failure(let refusal): throw Self.problem(refusal, id: id)
        }
    }

    static func problem(_ refusal: BulkRefusal, id: UUID) -> Problem {
        switch refusal {
        case .unknown: return .notFound("there is no bulk action \(id.uuidString.lowercased()) of yours")
        case .countMismatch(let expected):
            return .conflict("the preview holds \(expected) items: confirm that count (the one the preview showed), or preview again")
        case .expired: return .conflict("the preview is older than \(Int(previewLifetime / 60)) minutes; preview again")
        case .alreadyApplied: return .conflict("this bulk action was approved already")
        case .taskChanged: return .conflict("the task changed since the preview (its schema may refuse some outputs now); preview again")
        case .notApplied: return .conflict("only an approved bulk action can be undone, once")
        case .undoWindowPassed: return .conflict("undo is possible for \(Int(undoWindow)) s after approving; that time has passed")
        }
    }
}
