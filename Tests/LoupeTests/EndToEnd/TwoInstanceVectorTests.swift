import Foundation
import LoupeJSON
import Testing

extension ProcessHeavy {
    /// Issue 18: each `loupe serve` holds example embeddings in memory; LISTEN keeps every server's index current
    /// with inserts, corrections and disables made through another.
    @Suite(.serialized) struct TwoInstanceVectorTests {
        @Test func aServersIndexFollowsExamplesChangedThroughAnotherServer() async throws {
            let location = try await TestCluster.freshDatabase()
            let env = ["DATABASE_URL": try await TestCluster.databaseURL(location)]
            let servers = [try ServerProcess(environment: env), try ServerProcess(environment: env)]
            defer { for s in servers { s.process.terminate() } }
            for server in servers { #expect(try await server.waitUntilReady(), "server not ready:\n\(server.log)") }
            let admin = try await LoupeBinary.createKey(name: "admin", role: "admin", environment: env)
            let (a, b) = (servers[0].baseURL, servers[1].baseURL)
            @Sendable func call(_ base: String, _ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> (Int, JSONValue) {
                try await HTTP.request(method, base + path, key: admin, json: body)
            }
            @Sendable func vector(_ values: [Double]) -> JSONValue { .array(values.map { .double($0) }) }
            /// Corrects a new item posted through server A; returns its id.
            func correct(_ input: String, _ embedding: [Double], _ intent: String) async throws -> String {
                let posted = try await call(a, "POST", "/v1/items", ["task": "t", "input": .string(input), "output": ["intent": "?"],
                                                                     "confidence": 0.1, "embedding": vector(embedding)])
                let id = posted.1["id"]?.stringValue ?? ""
                let claimed = try await call(a, "POST", "/v1/review/claim")
                #expect(claimed.1["id"]?.stringValue == id)
                #expect(try await call(a, "POST", "/v1/items/\(id)/decision", ["action": "correct", "output": ["intent": .string(intent)]]).0 == 200)
                return id
            }
            /// What server B serves by meaning alone: (item id, intent) nearest first.
            @Sendable func servedByB(_ embedding: [Double]) async throws -> [(String, String)] {
                let reply = try await call(b, "POST", "/v1/tasks/t/examples/search", ["embedding": vector(embedding), "k": 5])
                #expect(reply.0 == 200, "\(reply.1)")
                return (reply.1["examples"]?.arrayValue ?? []).map { ($0["item_id"]?.stringValue ?? "", $0["output"]?["intent"]?.stringValue ?? "") }
            }

            #expect(try await call(a, "PUT", "/v1/tasks/t", ["output_schema": ["type": "object"], "embedding_dimensions": 3]).0 == 201)
            let first = try await correct("refund please", [1, 0, 0], "refund")
            #expect(try await servedByB([1, 0, 0]).map(\.0) == [first], "B loads its index on its first search")

            // An insert through A: B's loaded index takes it in (embedding search reads nothing but the index).
            let second = try await correct("where is my parcel", [0, 1, 0], "where_is_order")
            #expect(try await eventually { try await servedByB([0, 1, 0]).first?.0 == second }, "B's index follows an insert on A")

            // A correction of the same input again: the example keeps its place, with the new output.
            let third = try await correct("where is my parcel", [0, 0.9, 0.1], "late_delivery")
            #expect(try await eventually {
                let served = try await servedByB([0, 1, 0])
                return served.first?.0 == third && served.first?.1 == "late_delivery" && !served.contains { $0.0 == second }
            }, "B's index follows a correction on A")

            // A disable through A: B never serves it, and serves it again once re-enabled.
            let examples = try await call(a, "GET", "/v1/tasks/t/examples/all").1["examples"]?.arrayValue ?? []
            let refundExample = examples.first { $0["item_id"]?.stringValue == first }?["id"]?.stringValue ?? ""
            #expect(try await call(a, "PATCH", "/v1/examples/\(refundExample)", ["enabled": false]).0 == 200)
            #expect(!(try await servedByB([1, 0, 0])).contains { $0.0 == first }, "at once, even before B hears of it")
            #expect(try await call(a, "PATCH", "/v1/examples/\(refundExample)", ["enabled": true]).0 == 200)
            #expect(try await eventually { try await servedByB([1, 0, 0]).first?.0 == first }, "B's index follows a re-enable on A")
            for server in servers { #expect(await server.terminate() == 0) }
        }
    }
}
