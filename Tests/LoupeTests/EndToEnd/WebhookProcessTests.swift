import Foundation
import LoupeJSON
import Testing

/// Webhooks across real `loupe serve` processes: restarts and two instances.
@Suite(.serialized) struct WebhookProcessTests {
    static func setup(env: [String: String], server: ServerProcess, hookURL: String) async throws -> (admin: String, hook: String) {
        let admin = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: env)
        let task = try await HTTP.request("PUT", server.baseURL + "/v1/tasks/t", key: admin, json: ["output_schema": ["type": "object"]])
        #expect(task.0 == 201, "\(task.1)")
        let hook = try await HTTP.request("POST", server.baseURL + "/v1/webhooks", key: admin,
                                          json: ["url": .string(hookURL), "events": ["item.decided", "item.queued"]])
        #expect(hook.0 == 201, "\(hook.1)")
        return (admin, hook.1["id"]?.stringValue ?? "")
    }

    @Test func aReceiverDownWhileLoupeRestartsStillGetsTheEvent() async throws {
        let location = try await TestCluster.freshDatabase()
        let env = ["DATABASE_URL": try await TestCluster.databaseURL(location), "LOUPE_WEBHOOK_RETRY_BASE_MS": "200",
                   "LOUPE_WEBHOOK_BREAKER_OPEN_S": "1"]
        // A port the OS hands out, closed again: the receiver is down until it comes back on this port.
        let reserved = try await WebhookReceiver()
        let port = reserved.port
        await reserved.stop()
        let first = try ServerProcess(environment: env)
        #expect(try await first.waitUntilReady(), "\(first.log)")
        let (admin, hook) = try await Self.setup(env: env, server: first, hookURL: "http://127.0.0.1:\(port)/hook")
        let item = try await HTTP.request("POST", first.baseURL + "/v1/items", key: admin,
                                          json: ["task": "t", "input": "x", "output": [:], "confidence": 0.99]).1["id"]?.stringValue
        // The receiver is down: attempts fail and are recorded.
        #expect(try await eventually {
            let list = try await HTTP.request("GET", first.baseURL + "/v1/webhooks/\(hook)/deliveries", key: admin).1
            return (list["deliveries"]?[0]?["attempts"]?.doubleValue ?? 0) >= 1
        })
        #expect(await first.terminate() == 0)

        let receiver = try await WebhookReceiver(port: port)
        let second = try ServerProcess(environment: env)
        defer { second.process.terminate() }
        #expect(try await second.waitUntilReady(), "\(second.log)")
        let got = try await receiver.accepted(1, timeout: 30)
        #expect(got[0].json["item"]?["id"]?.stringValue == item)
        #expect(got[0].event == "item.decided")
        #expect(await second.terminate() == 0)
        await receiver.stop()
    }

    @Test func twoInstancesDeliverEachEventOnce() async throws {
        let location = try await TestCluster.freshDatabase()
        let env = ["DATABASE_URL": try await TestCluster.databaseURL(location)]
        let receiver = try await WebhookReceiver()
        let servers = [try ServerProcess(environment: env), try ServerProcess(environment: env)]
        defer { for s in servers { s.process.terminate() } }
        for s in servers { #expect(try await s.waitUntilReady(), "\(s.log)") }
        let (admin, hook) = try await Self.setup(env: env, server: servers[0], hookURL: receiver.url)
        // Intake through both servers: each one's dispatcher wakes for every commit.
        for i in 0..<40 {
            let server = servers[i % 2]
            _ = try await HTTP.request("POST", server.baseURL + "/v1/items", key: admin,
                                       json: ["task": "t", "input": .int(i), "output": [:], "confidence": i % 2 == 0 ? 0.99 : 0.1])
        }
        let got: [WebhookReceiver.Received]
        do { got = try await receiver.accepted(40) } catch {
            Issue.record("\(error)\n\(servers[0].log.suffix(3000))\n\(servers[1].log.suffix(3000))")
            throw error
        }
        #expect(Set(got.map(\.delivery)).count == 40)
        #expect(Set(got.compactMap { $0.json["item"]?["id"]?.stringValue }).count == 40)
        #expect(try await eventually {
            let list = try await HTTP.request("GET", servers[0].baseURL + "/v1/webhooks/\(hook)/deliveries", key: admin).1["deliveries"]?.arrayValue ?? []
            return list.count == 40 && list.allSatisfy { $0["state"] == "delivered" }
        })
        let list = try await HTTP.request("GET", servers[1].baseURL + "/v1/webhooks/\(hook)/deliveries", key: admin).1["deliveries"]?.arrayValue ?? []
        #expect(list.allSatisfy { $0["attempts"] == 1 }, "no delivery was sent twice")
        #expect(receiver.all.count == 40)
        for s in servers { #expect(await s.terminate() == 0) }
        await receiver.stop()
    }
}
