import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Per-item callbacks for admins: what is waiting, failing or sent, and cancelling those to a bad host.
struct CallbacksController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.get, "/v1/callbacks", roles: [.admin], list)
        routes.add(.post, "/v1/callbacks/cancel", roles: [.admin], cancel)
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        let q = request.uri.queryParameters
        var errors: [Problem.FieldError] = []
        var filter = CallbackFilter()
        if let s = q["state"] {
            if CallbackFilter.states.contains(String(s)) { filter.state = String(s) } else {
                errors.append(.init(field: "state", message: "must be one of \(CallbackFilter.states.joined(separator: ", "))"))
            }
        }
        if let h = q["host"] {
            if let host = Self.host(String(h)) { filter.host = host } else { errors.append(.init(field: "host", message: Self.hostRule)) }
        }
        if let i = q["item_id"] {
            if let id = UUID(uuidString: String(i)) { filter.itemID = id } else { errors.append(.init(field: "item_id", message: "must be a UUID")) }
        }
        if let l = q["limit"] {
            if let limit = Int(l), (1...500).contains(limit) { filter.limit = limit } else {
                errors.append(.init(field: "limit", message: "must be a whole number from 1 to 500"))
            }
        }
        guard errors.isEmpty else { throw Problem.invalid(errors) }
        return .json(["callbacks": .array(try await deps.webhooks.callbacks(filter)),
                      "destinations": .array(try await deps.webhooks.restingDestinations(now: deps.clock.now()))])
    }

    @Sendable func cancel(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        var r = try FieldReader(try await request.jsonBody(limit: 4096, maxDepth: 3))
        r.rejectUnknown(allowed: ["host", "item_id"])
        for field in ["host", "item_id"] where r.object[field]?.isNull == true { r.error(field, "must be a string; leave it out instead of null") }
        var filter = CallbackFilter()
        if let text = r.string("host", maxLength: 253) {
            if let host = Self.host(text) { filter.host = host } else { r.error("host", Self.hostRule) }
        }
        if let text = r.string("item_id", maxLength: 36) {
            if let id = UUID(uuidString: text) { filter.itemID = id } else { r.error("item_id", "must be a UUID") }
        }
        if r.errors.isEmpty, filter.host == nil, filter.itemID == nil {
            r.error("host", "name host or item_id (or both): cancelling every callback at once is not offered")
        }
        guard r.errors.isEmpty else { throw Problem.invalid(r.errors) }
        let ids = try await deps.webhooks.cancelCallbacks(filter, by: context.actor, now: deps.clock.now())
        return .json(["cancelled": .int(ids.count), "ids": .array(ids.map { .string($0.uuidString.lowercased()) })])
    }

    static let hostRule = "must be a host name or address as it appears in the URL (e.g. hooks.example.com)"

    /// A host as URLs carry it, lower case; nil when it holds characters no host has.
    static func host(_ text: String) -> String? {
        let host = text.lowercased()
        guard !host.isEmpty, host.count <= 253,
              host.unicodeScalars.allSatisfy({ $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "-._:[]".unicodeScalars.contains($0)) })
        else { return nil }
        return host
    }
}
