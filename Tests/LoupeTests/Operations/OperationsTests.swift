import Foundation
import Hummingbird
import HummingbirdTesting
import LoupeAPI
import LoupeDomain
import LoupeJSON
import LoupeServices
import LoupeStore
import Testing

@Suite struct OperationsTests {
    @Test func openAPIDocumentsEveryRouteTheRouterHas() async throws {
        let location = try await TestCluster.freshDatabase()
        let store = PostgresStore(location: location, expectedMigration: 1, logger: TestCluster.logger)
        let router = LoupeRouter.build(LoupeApplication.dependencies(store: store, configuration: .init()))
        let routes = router.routes.map { (method: $0.method.rawValue, path: $0.path.description) }
        try await withLoupe { f in
            let doc = try await f.call(.get, "/openapi.json", as: nil).json
            #expect(doc["openapi"] == "3.1.0")
            let paths = doc["paths"]?.objectValue
            #expect(routes.count >= 11)
            for route in routes {
                // The router spells parameters ":name" or "{name}"; OpenAPI spells them "{name}".
                let path = route.path.split(separator: "/").map { part in
                    part.hasPrefix(":") ? "{\(part.dropFirst())}" : String(part)
                }.joined(separator: "/")
                let documented = paths?["/" + path]?[route.method.lowercased()]
                #expect(documented != nil, "\(route.method) /\(path) is missing from /openapi.json")
            }
        }
    }

    @Test func healthReadyAndMetrics() async throws {
        try await withLoupe { f in
            #expect(try await f.call(.get, "/health", as: nil).json["status"] == "ok")
            // A request first opens a connection: at the start of a loaded fresh-clone run, connecting alone could
            // exceed /ready's 2 s budget (it answered 503 there once).
            try await f.defineTask("reply", ["output_schema": ["type": "string"]])
            let ready = try await f.call(.get, "/ready", as: nil)
            #expect(ready.status == 200)
            #expect(ready.json["status"] == "ready")

            for confidence in [0.9, 0.1] {
                try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "reply", "input": "q", "output": "a", "confidence": .double(confidence)])
            }
            let metrics = try await f.call(.get, "/metrics", as: nil)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains(#"loupe_items_routed_total{outcome="approved"}"#))
            #expect(metrics.text.contains(#"loupe_items_routed_total{outcome="pending"}"#))
            #expect(metrics.text.contains("http_server_request_duration_bucket"))
            #expect(metrics.text.contains(#"http_route="/v1/items""#))
        }
    }

    @Test func readyIs503WhenMigrationsAreMissing() async throws {
        let location = try await TestCluster.freshDatabase()
        // Expect a migration this database does not have.
        // A loaded two-core test run once took over the production 2 s to answer /ready's one query.
        let store = PostgresStore(location: location, expectedMigration: 999, readinessTimeout: 30, logger: TestCluster.logger)
        // And the request deadline 30 s, as in every in-process test (it once fired at 5 s here, under a full run).
        let configuration = ServeConfiguration(limits: .init(requestDeadlineSeconds: 30))
        let app = LoupeApplication.build(store: store, configuration: configuration, logger: TestCluster.logger)
        try await app.test(.router) { client in
            // Open a connection first: under a loaded test run, connecting could exceed /ready's 2 s budget by itself.
            _ = try await store.tasks.list()
            try await client.execute(uri: "/ready", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(String(buffer: response.body).contains("needs 999"))
            }
        }
    }

    @Test func securityHeadersAndStaticUI() async throws {
        try await withLoupe { f in
            let page = try await f.call(.get, "/", as: nil)
            #expect(page.status == 200)
            #expect(page.text.contains("Loupe"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.xContentTypeOptions] == "nosniff")
        }
    }
}
