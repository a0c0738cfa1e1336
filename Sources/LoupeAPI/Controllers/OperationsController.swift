import Hummingbird
import LoupeDomain
import LoupeJSON

/// Health, readiness, Prometheus metrics and the OpenAPI description: public, unauthenticated.
struct OperationsController {
    let deps: APIDependencies
    let metrics: LoupeMetrics
    let batches: BatchGate

    func register(_ routes: RouteRegistrar) {
        routes.addPublic(.get, "/health") { _, _ in .json(["status": "ok"]) }
        routes.addPublic(.get, "/ready") { [deps] _, _ in
            if let problem = await deps.readiness.problem() { throw Problem.unavailable(problem) }
            return .json(["status": "ready"])
        }
        routes.addPublic(.get, "/metrics") { [metrics, batches, token = deps.security.metricsToken, waiters = deps.waiters] request, _ in
            // Operators who expose the port can keep queue sizes and rates to their scraper.
            if let token, !ConstantTime.equal(request.headers[.authorization] ?? "", "Bearer " + token) {
                throw Problem.unauthorized("/metrics needs 'Authorization: Bearer <metrics token>' on this server")
            }
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                     body: .init(byteBuffer: ByteBuffer(bytes: metrics.exposition(waiters: waiters.count, batches: batches.counts))))
        }
        routes.addPublic(.get, "/openapi.json") { _, _ in .json(OpenAPIDocument.document) }
    }
}
