import LoupeDomain
import LoupeJSON
import Testing

/// Threshold, field-threshold and schema routing through `POST /v1/items` on real PostgreSQL.
@Suite struct RoutingTests {
    static let valid: JSONValue = ["vendor": "ACME", "total": 12.5, "due": "2026-12-01"]

    func post(_ f: LoupeFixture, confidence: Double, output: JSONValue = valid, fields: JSONValue? = nil) async throws -> TestReply {
        var item: JSONObject = ["task": "invoice", "input": "Invoice #1 from ACME", "output": output, "confidence": .double(confidence)]
        if let fields { item["field_confidence"] = fields }
        return try await f.call(.post, "/v1/items", as: .ingest, json: .object(item))
    }

    @Test func thresholdIsInclusiveAt085() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let at = try await post(f, confidence: 0.85)
            #expect(at.status == 201)
            #expect(at.json["status"] == "approved")
            #expect(at.json["reasons"] == [])

            let below = try await post(f, confidence: 0.8499)
            #expect(below.json["status"] == "pending")
            let reason = below.json["reasons"]?.arrayValue?.first
            #expect(reason?["code"] == "below_threshold")
            #expect(reason?["threshold"] == 0.85)
            #expect(reason?["value"] == 0.8499)
            #expect(reason?["message"]?.stringValue?.contains("0.8499") == true)
        }
    }

    @Test func fieldThresholdsRouteAndOverallConfidenceStandsInForMissingFields() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "threshold": 0.5,
                                               "field_thresholds": ["/total": 0.9, "/vendor": 0.7]])
            let confident = try await post(f, confidence: 0.95, fields: ["/total": 0.91, "/vendor": 0.7])
            #expect(confident.json["status"] == "approved")

            let lowTotal = try await post(f, confidence: 0.95, fields: ["/total": 0.6])
            #expect(lowTotal.json["status"] == "pending")
            let reasons = lowTotal.json["reasons"]?.arrayValue ?? []
            #expect(reasons.count == 1)
            #expect(reasons.first?["pointer"] == "/total")
            #expect(reasons.first?["code"] == "field_below_threshold")

            // No field confidence for /total or /vendor: the overall 0.8 stands in and fails /total's 0.9.
            let missing = try await post(f, confidence: 0.8)
            #expect(missing.json["reasons"]?.arrayValue?.compactMap { $0["pointer"]?.stringValue } == ["/total"])
        }
    }

    @Test func schemaFailuresQueueWithThePathAndKeyword() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema])
            let reply = try await post(f, confidence: 0.99, output: ["vendor": "", "total": "12", "due": "2026-02-30"])
            #expect(reply.status == 201)
            #expect(reply.json["status"] == "pending")
            let reasons = reply.json["reasons"]?.arrayValue ?? []
            let byPointer = Dictionary(reasons.map { ($0["pointer"]?.stringValue ?? "", $0["keyword"]?.stringValue ?? "") }, uniquingKeysWith: { a, _ in a })
            #expect(byPointer == ["/vendor": "minLength", "/total": "type", "/due": "format"])
            #expect(reasons.allSatisfy { $0["code"] == "schema_invalid" })

            let item = try await f.call(.get, "/v1/items/\(reply.json["id"]!.stringValue!)", as: .reviewer)
            #expect(item.json["status"] == "pending")
            #expect(item.json["reasons"] == reply.json["reasons"])
            #expect(item.json["final_output"] == .null)
            #expect(item.json["decision"] == .null)
        }
    }

    @Test func auditSamplingFlagsApprovedItemsWithoutChangingTheirApproval() async throws {
        try await withLoupe { f in
            try await f.defineTask("invoice", ["output_schema": LoupeFixture.invoiceSchema, "audit_rate": 1])
            let reply = try await post(f, confidence: 0.99)
            #expect(reply.json["status"] == "approved")
            let item = try await f.call(.get, "/v1/items/\(reply.json["id"]!.stringValue!)", as: .analyst)
            #expect(item.json["audit"] == true)
            #expect(item.json["status"] == "approved")
            #expect(item.json["final_output"] == RoutingTests.valid)
            #expect(item.json["decision"]?["by"] == "auto")
        }
    }
}

/// Audit sampling is a deterministic function of the item id with the requested share.
@Suite struct AuditSamplingTests {
    @Test func shareIsCloseToTheRateAndStable() {
        let ids = (0..<4000).map { _ in UUIDv7.make(at: .now) }
        let sampled = ids.filter { Routing.isAuditSample(id: $0, rate: 0.25) }
        let share = Double(sampled.count) / Double(ids.count)
        #expect(abs(share - 0.25) < 0.04, "sampled share \(share)")
        #expect(sampled.allSatisfy { Routing.isAuditSample(id: $0, rate: 0.25) })
        #expect(!ids.contains { Routing.isAuditSample(id: $0, rate: 0) })
    }
}
