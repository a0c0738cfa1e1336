import Foundation
import LoupeJSON

extension SoakScenarios {
    /// One round at one size: intake p99 (`wrk`, 32 connections, 10 s), 1,000 claims each decided, 200 few-shot
    /// queries (after 20 that warm up), and the first 200,000 export rows through `curl` with `\copy` of them right after.
    func sampleRound(ingest: String) async throws -> SoakRound {
        var r = SoakRound()
        let loupe = setup.loupe, admin = setup.admin
        let wrk = try Wrk(url: "http://127.0.0.1:\(servers.loupe.port)", key: ingest, body: OverloadScenarios.body)
            .run(connections: 32, seconds: 10, pauseMs: 0)
        (r.intakeP99, r.intakeRate) = (wrk.percentile(0.99), Double(wrk.ok) / wrk.seconds)
        let clock = ContinuousClock()
        var claims: [Double] = [], decisions: [Double] = []
        let before = try await routeTimes()
        for _ in 0..<1000 {
            let t0 = clock.now
            let (status, item) = try await loupe.json(.POST, "/v1/review/claim", key: admin, body: ["task": .string(Self.task)])
            let t1 = clock.now
            claims.append(Self.ms(t0.duration(to: t1)))
            guard status == 200, let id = item["id"]?.stringValue else { break }
            _ = try await loupe.send(.POST, "/v1/items/\(id)/decision", key: admin, body: JSONWriter.bytes(["action": "approve"]))
            decisions.append(Self.ms(t1.duration(to: clock.now)))
        }
        let after = try await routeTimes()
        let claimed = LoadResult(operations: claims.count, seconds: 1, latencies: claims.sorted())
        (r.claimP50, r.claimP99) = (claimed.percentile(0.5), claimed.percentile(0.99))
        r.decideP50 = LoadResult(operations: decisions.count, seconds: 1, latencies: decisions.sorted()).percentile(0.5)
        (r.claimServerMs, r.decideServerMs) = (after.claim.meanMs(since: before.claim), after.decide.meanMs(since: before.decide))
        var fewShot: [Double] = []
        for i in 0..<220 {
            let query = "Invoice from \(["ACME", "Globex", "Initech", "Hooli"][i % 4]) branch \(i * 7 % 1013), total \(i * 13 % 7919).00 EUR"
            let t0 = clock.now
            let (status, _) = try await loupe.send(.GET, "/v1/tasks/\(Self.task)/examples?k=5&query="
                + (query.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""), key: admin)
            guard status == 200 else { throw BenchError("few-shot query answered \(status)") }
            if i >= 20 { fewShot.append(Self.ms(t0.duration(to: clock.now))) }
        }
        r.fewShotP99 = LoadResult(operations: fewShot.count, seconds: 1, latencies: fewShot.sorted()).percentile(0.99)
        let export = try Curl.lines(url: "\(loupe.base)/v1/export?task=\(Self.task)&format=jsonl", key: admin, limit: 200_000)
        r.exportRate = Double(export.lines) / export.seconds
        r.copyRate = try Copy.rate(location: servers.session.location, task: Self.task, rows: 200_000)
        return r
    }

    /// The server's own time so far in the claim and decision routes (its `/metrics`).
    func routeTimes() async throws -> (claim: RouteTimes, decide: RouteTimes) {
        let (_, body) = try await setup.loupe.send(.GET, "/metrics", key: nil)
        let text = String(buffer: body)
        return (RouteTimes(exposition: text, route: "/v1/review/claim"), RouteTimes(exposition: text, route: "/v1/items/{id}/decision"))
    }
}
