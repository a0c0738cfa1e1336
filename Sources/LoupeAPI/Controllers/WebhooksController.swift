import Foundation
import Hummingbird
import LoupeDomain
import LoupeJSON

/// Webhook subscriptions, their deliveries, and redelivery.
struct WebhooksController {
    let deps: APIDependencies

    func register(_ routes: RouteRegistrar) {
        routes.add(.post, "/v1/webhooks", roles: [.admin], create)
        routes.add(.get, "/v1/webhooks", roles: [.admin], list)
        routes.add(.delete, "/v1/webhooks/{id}", roles: [.admin], delete)
        routes.add(.get, "/v1/webhooks/{id}/deliveries", roles: [.admin], deliveries)
        routes.add(.post, "/v1/deliveries/{id}/redeliver", roles: [.admin], redeliver)
        routes.add(.post, "/v1/callback-secret", roles: [.ingest], rotateCallbackSecret)
    }

    /// Each key signs the callbacks of the items it submitted with its own secret, shown once at key creation;
    /// this replaces it with a new one (shown once here) and callbacks sent from now on use it.
    @Sendable func rotateCallbackSecret(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let principal = context.principal, principal.kind == .apiKey, let id = UUID(uuidString: principal.id),
              let secret = try await deps.keys.rotateCallbackSecret(id: id) else {
            throw Problem.forbidden("callback secrets belong to API keys; sign in with the key whose callbacks you verify")
        }
        return .json(["key_id": .string(principal.id), "callback_secret": .string(secret)], status: .created)
    }

    @Sendable func create(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        var request = request
        let (url, secret, events) = try Webhook.parse(try await request.jsonBody(limit: 16 * 1024, maxDepth: 4), policy: deps.destinations)
        if let refusal = await HostResolver.registrationRefusal(for: url, policy: deps.destinations) {
            throw Problem.invalid(field: "url", refusal)
        }
        let hook = try await deps.webhooks.create(url: url, secret: secret, events: events, now: deps.clock.now())
        guard case .object(var body) = hook.json else { return .json(hook.json) }
        body["secret"] = .string(secret)  // shown here only; receivers verify signatures with it
        return .json(.object(body), status: .created)
    }

    @Sendable func list(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        .json(["webhooks": .array(try await deps.webhooks.list().map(\.json))])
    }

    @Sendable func delete(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text),
              try await deps.webhooks.delete(id: id, now: deps.clock.now()) else { throw Problem.notFound("no such webhook") }
        return Response(status: .noContent)
    }

    @Sendable func deliveries(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text),
              let list = try await deps.webhooks.deliveries(webhookID: id, limit: 100) else { throw Problem.notFound("no such webhook") }
        return .json(["deliveries": .array(list)])
    }

    @Sendable func redeliver(_ request: Request, _ context: LoupeRequestContext) async throws -> Response {
        guard let text = context.parameters.get("id"), let id = UUID(uuidString: text) else { throw Problem.notFound("no such delivery") }
        guard try await deps.webhooks.redeliver(id: id, now: deps.clock.now()) else {
            throw Problem.conflict("delivery \(text) does not exist or is being sent right now")
        }
        return .json(["id": .string(text), "state": "pending"], status: .accepted)
    }
}
