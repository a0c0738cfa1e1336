import Foundation
import LoupeServices
import LoupeAPI
import LoupeDomain
import LoupeJSON
import Testing

/// Pentest finding 3: webhooks and callbacks may not reach the operator's own network unless allowed.
@Suite struct DestinationTests {
    static let refusing: @Sendable (inout ServeConfiguration) -> Void = { $0.security.destinations = DestinationPolicy() }

    @Test func internalDestinationsAreRefusedAtRegistrationNamingTheClass() async throws {
        try await withLoupe(configure: Self.refusing) { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let cases: [(String, String)] = [
                ("http://127.0.0.1:9/h", "loopback"), ("http://localhost:9/h", "loopback"), ("http://[::ffff:127.0.0.1]:9/h", "loopback"),
                ("http://2130706433:9/h", "loopback"), ("http://0x7f.1/h", "loopback"), ("http://169.254.169.254/latest", "link-local"),
                ("http://10.1.2.3/h", "private"), ("http://192.168.0.10/h", "private"), ("http://100.64.0.1/h", "CGNAT"),
                ("http://[fd00::1]/h", "unique local"), ("http://[::1]/h", "loopback"), ("http://0.0.0.0/h", "unspecified"),
                ("http://[64:ff9b::a00:1]/h", "private"), ("http://224.0.0.1/h", "multicast"),
            ]
            for (url, kind) in cases {
                let item = try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "t", "input": "x", "output": [:], "confidence": 0.5,
                                                                                 "callback_url": .string(url)])
                #expect(item.status == 422 && item.json["detail"]?.stringValue?.contains(kind) == true, "\(url) → \(item.text)")
                let hook = try await f.call(.post, "/v1/webhooks", json: ["url": .string(url), "events": ["item.decided"]])
                #expect(hook.status == 422 && hook.json["detail"]?.stringValue?.contains(kind) == true, "\(url) → \(hook.text)")
            }
            #expect(try await f.call(.post, "/v1/webhooks", json: ["url": "https://hooks.example.com/x", "events": ["item.decided"]]).status == 201)
        }
    }

    @Test func namesAreJudgedByTheAddressesTheyResolveTo() async throws {
        let resolved = try await HostResolver.addresses(of: "localhost")
        #expect(!resolved.isEmpty)
        #expect(resolved.allSatisfy { DestinationPolicy().refusal($0) == "loopback" }, "\(resolved)")
        await #expect(throws: DestinationRefused.self) { try await HostResolver.allowedAddress(for: "http://localhost.:8080/x", policy: DestinationPolicy()) }
        let allowed = DestinationPolicy(allowed: [CIDR("127.0.0.0/8")!, CIDR("::1/128")!])
        #expect(try await HostResolver.allowedAddress(for: "http://localhost:8080/x", policy: allowed).host == "localhost")
    }

    @Test func theDestinationIsCheckedAgainWhenSendingAndRefusalsNameOnlyTheClass() async throws {
        // As after DNS rebinding: the callback passed intake, but where it points now is refused at connect time.
        let receiver = try await WebhookReceiver()
        try await withLoupe(liveClock: true, configure: { $0.webhooks.destinations = DestinationPolicy() }) { f in
            try await f.defineTask("t", ["output_schema": ["type": "object"]])
            let reply = try await f.call(.post, "/v1/items", as: .ingest, json: ["task": "t", "input": "x", "output": [:], "confidence": 0.99,
                                                                              "callback_url": .string(receiver.url)])
            #expect(reply.status == 201)
            let id = reply.json["id"]?.stringValue ?? ""
            let url = try await TestCluster.databaseURL(f.store.location)
            let recorded = try await eventually {
                let (_, out, _) = try await Psql.run(url: url, "SELECT a.error FROM webhook_attempts a JOIN webhook_deliveries d ON d.id = a.delivery_id WHERE d.item_id = '\(id)'")
                return out.contains("destination refused") && out.contains("loopback")
            }
            #expect(recorded)
            #expect(receiver.all.isEmpty, "nothing was sent")
        }
        await receiver.stop()
    }
}
