import LoupeJSON

/// An RFC 7807 problem: every 4xx/5xx Loupe sends is one of these.
public struct Problem: Error, Sendable, Equatable {
    public let status: Int
    public let slug: String
    public let title: String
    public let detail: String
    /// Per-field errors for 422s: `[{field, message}]`.
    public var errors: [FieldError]
    /// Seconds a client should wait before retrying (sent as Retry-After).
    public var retryAfter: Int?
    /// Methods the path supports (sent as Allow with a 405).
    public var allow: String?
    /// Further response headers (RateLimit-* on a 429).
    public var headers: [String: String] = [:]
    /// Extra members of the problem document (e.g. `errors[].pointer` of invalid-output).
    public var extensions: JSONObject = [:]

    /// One invalid field of a request body.
    public struct FieldError: Sendable, Equatable {
        public let field: String
        public let message: String
        public init(field: String, message: String) {
            self.field = field
            self.message = message
        }
    }

    public init(status: Int, slug: String, title: String, detail: String, errors: [FieldError] = []) {
        self.status = status
        self.slug = slug
        self.title = title
        self.detail = detail
        self.errors = errors
    }

    public var type: String { "urn:loupe:problem:\(slug)" }

    public var json: JSONValue {
        var o: JSONObject = ["type": .string(type), "title": .string(title), "status": .int(status), "detail": .string(detail)]
        if !errors.isEmpty {
            o["errors"] = .array(errors.map { ["field": .string($0.field), "message": .string($0.message)] })
        }
        for (key, value) in extensions { o[key] = value }
        return .object(o)
    }

    public static func badRequest(_ detail: String) -> Problem {
        Problem(status: 400, slug: "bad-request", title: "Bad request", detail: detail)
    }
    public static func invalid(_ errors: [FieldError]) -> Problem {
        let detail = errors.map { "\($0.field): \($0.message)" }.joined(separator: "; ")
        return Problem(status: 422, slug: "invalid-field", title: "Invalid request field", detail: detail, errors: errors)
    }
    public static func invalid(field: String, _ message: String) -> Problem { invalid([FieldError(field: field, message: message)]) }
    public static func unauthorized(_ detail: String) -> Problem {
        Problem(status: 401, slug: "unauthorized", title: "Authentication required", detail: detail)
    }
    public static func forbidden(_ detail: String) -> Problem {
        Problem(status: 403, slug: "forbidden", title: "Not allowed for this role", detail: detail)
    }
    public static func notFound(_ detail: String) -> Problem {
        Problem(status: 404, slug: "not-found", title: "Not found", detail: detail)
    }
    public static func conflict(_ detail: String) -> Problem {
        Problem(status: 409, slug: "conflict", title: "Conflict", detail: detail)
    }
    public static func tooManyAttempts(_ detail: String, retryAfter: Int) -> Problem {
        var p = Problem(status: 429, slug: "too-many-attempts", title: "Too many attempts", detail: detail)
        p.retryAfter = retryAfter
        return p
    }
    public static func unavailable(_ detail: String) -> Problem {
        Problem(status: 503, slug: "unavailable", title: "Service unavailable", detail: detail)
    }
    public static func `internal`(_ detail: String) -> Problem {
        Problem(status: 500, slug: "internal", title: "Internal error", detail: detail)
    }
}
