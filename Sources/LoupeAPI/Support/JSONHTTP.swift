import Foundation
import Hummingbird
import NIOCore
import LoupeDomain
import LoupeJSON

/// Limits on what a request body may be.
public struct BodyLimits: Sendable {
    public var maxBytes: Int
    public var maxBatchBytes: Int
    public var maxDepth: Int
    /// Longest wait for a response to start before answering 503.
    public var requestDeadlineSeconds: Double
    /// Batch requests processed at once (LOUPE_MAX_CONCURRENT_BATCHES; one per core and one more), and waiting beyond
    /// those before 503 (`BatchGate`). The one more: a batch spends much of its time in PostgreSQL's commit, and with
    /// one per core the two cores here idled meanwhile (1.87 of 2 cores busy, against `pgbench`'s 1.94). On 2 cores,
    /// `loupe-bench --only load`: 2 slots 0.73–0.86 × the raw batch, 3 slots 1.01 × (peak RSS 112 MiB), 4 slots 0.83 ×
    /// twice (peak RSS 124 and 145 MiB, too near the 150 MiB bound).
    public var maxConcurrentBatches = max(1, System.coreCount) + 1
    public var batchQueue = 64
    public init(maxBytes: Int = 1 << 20, maxBatchBytes: Int = 32 << 20, maxDepth: Int = 64, requestDeadlineSeconds: Double = 5) {
        self.maxBytes = maxBytes
        self.maxBatchBytes = maxBatchBytes
        self.maxDepth = maxDepth
        self.requestDeadlineSeconds = requestDeadlineSeconds
    }
}

extension Request {
    /// Reads and parses the JSON body: 413 past `limit` bytes (ProblemMiddleware), 400 for malformed JSON or too deep nesting.
    mutating func jsonBody(limit: Int, maxDepth: Int) async throws -> JSONValue {
        try Self.parse(try await collectBody(upTo: limit), maxDepth: maxDepth)
    }

    /// The same for an optional body: nil when it is empty.
    mutating func jsonBodyIfAny(limit: Int, maxDepth: Int) async throws -> JSONValue? {
        let buffer = try await collectBody(upTo: limit)
        // Not a ternary: there `nil` would become JSONValue.null, which is ExpressibleByNilLiteral.
        if buffer.readableBytes == 0 { return Optional<JSONValue>.none }
        return try Self.parse(buffer, maxDepth: maxDepth)
    }

    /// RequestHygieneMiddleware has already refused bodies whose Content-Type is not JSON.
    private static func parse(_ buffer: ByteBuffer, maxDepth: Int) throws -> JSONValue {
        do {
            return try buffer.withUnsafeReadableBytes { try JSONParser.parse($0, options: .init(maxDepth: maxDepth)) }
        } catch let error as JSONParseError {
            throw Problem.badRequest("the body is not valid JSON: \(error)")
        }
    }
}

extension Response {
    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        json(bytes: JSONWriter.bytes(value), status: status)
    }

    /// A JSON body its caller already wrote.
    static func json(bytes: [UInt8], status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func problem(_ problem: Problem) -> Response {
        var headers: HTTPFields = [.contentType: "application/problem+json"]
        if problem.status == 401 { headers[.wwwAuthenticate] = "Bearer" }
        if let retry = problem.retryAfter { headers[.retryAfter] = String(retry) }
        if let allow = problem.allow { headers[.allow] = allow }
        for (name, value) in problem.headers { if let field = HTTPFields.Element.Name(name) { headers[field] = value } }
        headers[.cacheControl] = "no-store"
        return Response(status: .init(code: problem.status), headers: headers,
                        body: .init(byteBuffer: ByteBuffer(bytes: JSONWriter.bytes(problem.json))))
    }
}

extension Parameters {
    func uuid(_ name: String) throws(Problem) -> UUID {
        guard let text = get(name), let id = UUID(uuidString: text) else {
            throw Problem.notFound("'\(get(name) ?? "")' is not an item id (ids are UUIDs)")
        }
        return id
    }
}
