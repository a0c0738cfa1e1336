import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// The review queue: claim under a lease, heartbeat, release, decide; and every item's history.
struct ReviewController {
    let deps: APIDependencies
    let catalog: TaskCatalog

    func register(_ routes: RouteRegistrar) {
        routes.add(.post, "/v1/review/claim", roles: [.reviewer], claim)
        routes.add(.get, "/v1/review/leases", roles: [.reviewer], leases)
        routes.add(.post, "/v1/items/{id}/lease", roles: [.reviewer], extend)
        routes.add(.post, "/v1/items/{id}/release", roles: [.reviewer], release)
        routes.add(.post, "/v1/items/{id}/decision", roles: [.reviewer], decide)
        routes.add(.get, "/v1/items/{id}/history", roles: [.ingest, .reviewer, .analyst], history)
    }

    @Sendable func claim(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        var task: String?, leaseSeconds: Int?, disputed = false
        // The body is optional: an empty POST claims from every task. `lease_seconds` (10 up to the task's lease) asks for
        // a shorter lease: the UI claims the next item in the background that way and extends the lease when it shows it.
        if let body = try await request.jsonBodyIfAny(limit: 16 * 1024, maxDepth: 4) {
            var r = try FieldReader(body)
            r.rejectUnknown(allowed: ["task", "lease_seconds", "disputed"])
            task = r.string("task", maxLength: 64)
            leaseSeconds = r.integer("lease_seconds", in: 10...86_400)
            if let v = r.value("disputed", required: false), !v.isNull {
                if let b = v.boolValue { disputed = b } else { r.error("disputed", "must be true or false") }
            }
            guard r.errors.isEmpty else { throw Problem.invalid(r.errors) }
        }
        if let task { try context.principal?.requireTask(task) }
        if disputed, let role = context.principal?.role, role != .lead && role != .admin {
            throw Problem.forbidden("disputed items are adjudicated by leads; this caller has the \(role.rawValue) role")
        }
        let scope = context.principal?.tasks.map { $0.sorted() }
        guard let claimed = try await deps.review.claim(actor: context.actor, task: task, scope: scope, leaseSeconds: leaseSeconds,
                                                        disputed: disputed, now: deps.clock.now()) else {
            return Response(status: .noContent)
        }
        return .json(try await claimJSON(claimed))
    }

    @Sendable func leases(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var leases: [JSONValue] = []
        for lease in try await deps.review.leases(actor: context.actor, now: deps.clock.now()) { leases.append(try await claimJSON(lease)) }
        return .json(["leases": .array(leases)])
    }

    @Sendable func extend(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id")
        let expires = try await deps.review.extendLease(id: id, actor: context.actor, now: deps.clock.now())
        return .json(["id": .string(id.uuidString.lowercased()), "lease_expires_at": .string(Timestamp.string(expires))])
    }

    @Sendable func release(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id")
        try await deps.review.release(id: id, actor: context.actor, now: deps.clock.now())
        return .json(["id": .string(id.uuidString.lowercased()), "released": true])
    }

    @Sendable func decide(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let id = try context.parameters.uuid("id")
        let decision = try HumanDecision.parse(try await request.jsonBody(limit: deps.limits.maxBytes, maxDepth: deps.limits.maxDepth))
        // One read serves every check below; the deciding statement re-checks the lease on the locked row.
        let current = try await deps.items.get(id)
        if current == nil, decision.action == .approve || decision.output != nil {
            throw Problem.notFound("there is no item \(id.uuidString.lowercased())")
        }
        if decision.action == .approve, let current {
            try await refuseInvalidApproval(current, actor: context.actor)
        }
        // Only the lease holder's correction is worth checking; others get the lease conflict below.
        if let output = decision.output, let current, current.leaseHolder == context.actor, let task = try await catalog.task(named: current.task) {
            let errors = task.schema.validate(output)
            if !errors.isEmpty {
                throw Problem.invalid(errors.map { .init(field: "output" + $0.instancePath, message: "\($0.message) (\($0.keyword))") })
            }
        }
        // A gold item's copy is one reviewer's test: one answer decides it.
        if let consensus = deps.consensus, let item = current, item.status != .disputed, !item.gold,
           let task = try await catalog.task(named: item.task) {
            let required = Consensus.required(id: id, task: task.definition, audit: item.audit)
            if required > 1 {
                let reviewed = try await consensus.review(id: id, actor: context.actor, decision: decision, required: required, now: deps.clock.now())
                return .json(reviewed.json)
            }
        }
        let item = try await deps.review.decide(id: id, actor: context.actor, decision: decision, now: deps.clock.now())
        return .json(item.json)
    }

    /// Approve passes the model output downstream as is, so it must be valid against the task's schema as
    /// it is now (read fresh, not from the cache: the schema may have changed while the item was leased).
    private func refuseInvalidApproval(_ item: ItemRecord, actor: String) async throws {
        // Only the lease holder's approval is worth checking; others get the lease conflict from decide.
        guard item.leaseHolder == actor, let definition = try await deps.tasks.get(item.task) else { return }
        let task = CompiledTask(definition)
        catalog.store(task)
        let errors = OutputValidity.errors(item.output, against: task)
        if !errors.isEmpty { throw OutputValidity.approveRefused(errors, task: item.task) }
    }

    /// The claim as the reviewer sees it, with `output_errors`: why Approve is unavailable, if it is.
    private func claimJSON(_ claimed: ClaimedItem) async throws -> JSONValue {
        guard case .object(var o) = claimed.json else { return claimed.json }
        let errors = try await catalog.task(named: claimed.task.name).map { OutputValidity.errors(claimed.item.output, against: $0) } ?? []
        o["output_errors"] = .array(errors)
        // A lead adjudicating sees every review; a reviewer's claim never shows earlier reviews (they are blind).
        if claimed.item.status == .disputed, let consensus = deps.consensus {
            o["reviews"] = .array(try await consensus.reviews(item: claimed.item.id).map { $0.json(revealingReviewers: true) })
        }
        return .object(o)
    }

    @Sendable func history(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let id = try context.parameters.uuid("id")
        if context.principal?.tasks != nil, let item = try await deps.items.get(id) { try context.principal?.requireTask(item.task) }
        guard let events = try await deps.review.history(id: id) else {
            throw Problem.notFound("there is no item \(id.uuidString.lowercased())")
        }
        // People's comments are for people: an upstream system's ingest key sees the item's history without them.
        let shown = context.principal?.role == .ingest ? events.filter { $0.event != "commented" } : events
        return .json(["item_id": .string(id.uuidString.lowercased()), "events": .array(shown.map { $0.json(for: context.principal) })])
    }
}
