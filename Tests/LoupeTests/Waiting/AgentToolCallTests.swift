import Foundation
import LoupeJSON
import Testing

/// Issue 13, actions as tasks: an agent proposes a tool call, waits for a person, and executes only
/// `final_output`; a correction changes the arguments, a rejection carries its reason back.
@Suite struct AgentToolCallTests {
    static let schema: JSONValue = [
        "type": "object", "required": ["tool", "arguments"],
        "oneOf": [
            ["properties": ["tool": ["const": "refund"], "arguments": [
                "type": "object", "required": ["order_id", "amount_eur"], "additionalProperties": false,
                "properties": ["order_id": ["type": "string"], "amount_eur": ["type": "number", "exclusiveMinimum": 0, "maximum": 500]]]]],
            ["properties": ["tool": ["const": "send_email"], "arguments": [
                "type": "object", "required": ["to", "body"], "additionalProperties": false,
                "properties": ["to": ["type": "string", "format": "email"], "body": ["type": "string", "maxLength": 5000]]]]],
        ],
    ]

    /// What the agent does: post the proposed call with a deadline, wait, and return what it may execute.
    func propose(_ f: LoupeFixture, _ call: JSONValue, context: String) async throws -> (id: String, waiting: Task<JSONValue, any Error>) {
        let posted = try await f.call(.post, "/v1/items", as: .ingest, json: [
            "task": "agent_actions", "input": ["conversation": .string(context)], "output": call, "confidence": 0.9,
            "deadline_seconds": 600, "on_deadline": "reject",
        ])
        #expect(posted.status == 201 && posted.json["status"] == "pending", "every action waits for a person: \(posted.text)")
        let id = posted.json["id"]?.stringValue ?? ""
        let waiting = Task { () throws -> JSONValue in
            let answer = try await f.call(.get, "/v1/items/\(id)?wait=60", as: .ingest)
            #expect(answer.headers[.init("Loupe-Wait")!] == "decided")
            return answer.json
        }
        return (id, waiting)
    }

    @Test func theAgentExecutesTheCorrectedCallAndHearsWhyARejectedOneWasRejected() async throws {
        try await withLoupe(liveClock: true) { f in
            // Threshold 1: every proposed call goes to a person, however confident the model is.
            try await f.defineTask("agent_actions", ["output_schema": Self.schema, "threshold": 1,
                                                     "instructions": "Check the amount against the order before approving."])
            let refund: JSONValue = ["tool": "refund", "arguments": ["order_id": "A-1009", "amount_eur": 240]]
            let (refundID, refundWait) = try await propose(f, refund, context: "Customer: the blender arrived broken, refund please")

            let claimed = try await f.call(.post, "/v1/review/claim", as: .reviewer)
            #expect(claimed.json["id"]?.stringValue == refundID)
            let wrongTool = try await f.call(.post, "/v1/items/\(refundID)/decision", as: .reviewer, json: [
                "action": "correct", "output": ["tool": "refund", "arguments": ["order_id": "A-1009", "amount_eur": 900]]])
            #expect(wrongTool.status == 422, "a correction must still be a valid call of some tool: \(wrongTool.text)")
            let fixed: JSONValue = ["tool": "refund", "arguments": ["order_id": "A-1009", "amount_eur": 199.99]]
            #expect(try await f.call(.post, "/v1/items/\(refundID)/decision", as: .reviewer,
                                     json: ["action": "correct", "output": fixed]).status == 200)
            let refundAnswer = try await refundWait.value
            #expect(refundAnswer["status"] == "corrected")
            #expect(refundAnswer["final_output"] == fixed, "final_output is the call to execute, with the person's arguments")
            #expect(refundAnswer["output"] == refund, "the proposal stays on record, but is not what runs")

            let email: JSONValue = ["tool": "send_email", "arguments": ["to": "ceo@example.com", "body": "We are shutting down."]]
            let (emailID, emailWait) = try await propose(f, email, context: "Agent: draft an announcement")
            #expect(try await f.call(.post, "/v1/review/claim", as: .reviewer).json["id"]?.stringValue == emailID)
            #expect(try await f.call(.post, "/v1/items/\(emailID)/decision", as: .reviewer,
                                     json: ["action": "reject", "reason": "Never email executives without legal sign-off."]).status == 200)
            let emailAnswer = try await emailWait.value
            #expect(emailAnswer["status"] == "rejected" && emailAnswer["final_output"] == .null, "nothing to execute")
            #expect(emailAnswer["decision"]?["reason"] == "Never email executives without legal sign-off.")
        }
    }
}
