import Foundation
import Hummingbird
import HummingbirdTesting
import LoupeAPI
import LoupeDomain
import LoupeJSON
import LoupeServices
import Testing

/// Generated bodies, headers and paths against every route: never a 500, every error a problem+json.
@Suite struct FuzzTests {
    /// A small deterministic generator, so a failure can be replayed from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let strings = ["", "a", "invoice", "pending", "approve", "correct", "reject", "<script>", "💥", "\\u0000", "0", "-1",
                          "00000000-0000-7000-8000-000000000000", "../../etc/passwd", "%00", String(repeating: "x", count: 3000)]
    static let keys = ["task", "input", "output", "confidence", "external_id", "field_confidence", "items", "action", "reason",
                       "output_schema", "threshold", "field_thresholds", "audit_rate", "enabled", "url", "events", "email",
                       "password", "name", "role", "priority", "metadata", "secret"]

    static func value(_ rng: inout SplitMix, depth: Int = 0) -> JSONValue {
        switch Int.random(in: 0..<(depth > 3 ? 5 : 8), using: &rng) {
        case 0: return .null
        case 1: return .bool(Bool.random(using: &rng))
        case 2: return .double([0, 1, -1, 0.5, 0.85, 1e308, -1e-9, 2, 1000].randomElement(using: &rng)!)
        case 3, 4: return .string(strings.randomElement(using: &rng)!)
        case 5: return .array((0..<Int.random(in: 0..<4, using: &rng)).map { _ in value(&rng, depth: depth + 1) })
        default:
            var o = JSONObject()
            for _ in 0..<Int.random(in: 0..<6, using: &rng) { o[keys.randomElement(using: &rng)!] = value(&rng, depth: depth + 1) }
            return .object(o)
        }
    }

    static func body(_ rng: inout SplitMix) -> String {
        let json = JSONWriter.string(value(&rng))
        switch Int.random(in: 0..<6, using: &rng) {
        case 0: return String(json.prefix(Int.random(in: 0...max(0, json.count), using: &rng)))  // truncated
        case 1: return String(repeating: "[", count: Int.random(in: 1...200, using: &rng))
        case 2: return String((0..<Int.random(in: 0..<40, using: &rng)).map { _ in Character(Unicode.Scalar(UInt8.random(in: 32...126, using: &rng))) })
        default: return json
        }
    }

    @Test func generatedRequestsNeverCauseA500() async throws {
        try await withLoupe { f in
            var rng = SplitMix(state: 0x10_0BE)
            try await f.defineTask("t", ["output_schema": ["type": "object", "properties": ["a": ["type": "string"]]]])
            let item = try await f.submit("t", confidence: 0.1, output: ["a": "b"])
            let router = LoupeRouter.build(LoupeApplication.dependencies(store: f.store, configuration: .init()))
            // Not the event stream: a valid request to it never ends (EventStreamTests read it over real connections).
            let routes = router.routes.map { (method: $0.method, path: $0.path.description) }.filter { $0.path != "/v1/events" }
            let methods: [HTTPRequest.Method] = [.get, .post, .put, .patch, .delete]
            var checked = 0
            for _ in 0..<600 {
                let route = routes.randomElement(using: &rng)!
                let path = route.path.split(separator: "/").map { segment -> String in
                    guard segment.hasPrefix(":") || segment.hasPrefix("{") else { return String(segment) }
                    return [item, "t", "nope", "%E2%82%AC", "00000000-0000-7000-8000-000000000000"].randomElement(using: &rng)!
                }.joined(separator: "/")
                let query = Bool.random(using: &rng) ? "?limit=\(["0", "5", "x", "-3", "99999"].randomElement(using: &rng)!)&after=zz&status=\(Self.strings.randomElement(using: &rng)!.prefix(10))" : ""
                let method = Int.random(in: 0..<4, using: &rng) == 0 ? methods.randomElement(using: &rng)! : route.method
                var headers: HTTPFields = [:]
                switch Int.random(in: 0..<5, using: &rng) {
                case 0: break
                case 1: headers[.authorization] = "Bearer \(["", "lp_x", "💥"].randomElement(using: &rng)!)"
                case 2: headers[.cookie] = "loupe_session=\(["", "abc", "%%%"].randomElement(using: &rng)!)"
                default: headers[.authorization] = "Bearer \(f.key(Role.allCases.randomElement(using: &rng)!))"
                }
                if Bool.random(using: &rng) { headers[.contentType] = ["application/json", "text/plain", "multipart/form-data; boundary=x"].randomElement(using: &rng)! }
                let body = Self.body(&rng)
                let uri = "/" + path + query
                try await f.client.execute(uri: uri, method: method, headers: headers, body: ByteBuffer(string: body)) { response in
                    let status = Int(response.status.code)
                    #expect(status < 500, "\(method) \(uri) with \(body.prefix(200)) → \(status): \(String(buffer: response.body).prefix(300))")
                    if status >= 400 {
                        #expect(response.headers[.contentType] == "application/problem+json", "\(method) \(uri) → \(status) without problem+json")
                        let problem = try? JSONParser.parse(String(buffer: response.body))
                        #expect(problem?["detail"]?.stringValue?.isEmpty == false)
                    }
                }
                checked += 1
            }
            #expect(checked == 600)
        }
    }
}
