import Hummingbird
import LoupeDomain

/// Refuses malformed requests before any route sees them: control characters in the path (no
/// `/index.html%00.js` tricks on static files), NUL in query parameters (PostgreSQL text cannot hold it),
/// and JSON bodies sent under another Content-Type (a form post from another site is not an API call).
struct RequestHygieneMiddleware: RouterMiddleware {
    typealias Context = LoupeRequestContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        // The checks are synchronous, so none of their values take room in this frame (a blocking wait keeps it).
        if let refusal = Self.refusal(request) { throw refusal }
        return try await next(request, context)
    }

    /// Why the request is refused, or nil.
    static func refusal(_ request: Request) -> Problem? {
        let path = request.uri.path
        if let bad = Self.controlCharacter(in: path.removingPercentEncoding ?? path) {
            return Problem.badRequest("the path contains the control character U+\(bad); remove it")
        }
        for (name, value) in request.uri.queryParameters {
            if value.utf8.contains(0) || name.utf8.contains(0) {
                return Problem(status: 400, slug: "bad-request", title: "Bad request",
                               detail: "query parameter '\(name.filter { $0 != "\0" })' contains a NUL character; remove it",
                               errors: [.init(field: String(name.filter { $0 != "\0" }), message: "contains a NUL character")])
            }
        }
        if path.hasPrefix("/v1/"), Self.hasBody(request), !Self.isJSON(request.headers[.contentType]) {
            return Problem(status: 415, slug: "unsupported-media-type", title: "Unsupported media type",
                           detail: "send the body as JSON with 'Content-Type: application/json' "
                               + "(got \(request.headers[.contentType].map { "'\($0)'" } ?? "none"))")
        }
        return nil
    }

    /// The first control character (U+0000–U+001F, U+007F) as hex, or nil.
    static func controlCharacter(in text: String) -> String? {
        guard let scalar = text.unicodeScalars.first(where: { $0.value < 0x20 || $0.value == 0x7F }) else { return nil }
        let hex = String(scalar.value, radix: 16, uppercase: true)
        return String(repeating: "0", count: max(0, 4 - hex.count)) + hex
    }

    static func hasBody(_ request: Request) -> Bool {
        if let length = request.headers[.contentLength] { return (Int(length) ?? 1) > 0 }
        return request.headers[.transferEncoding] != nil
    }

    /// `application/json` or `application/<anything>+json`, parameters (charset) ignored.
    static func isJSON(_ contentType: String?) -> Bool {
        guard let contentType else { return false }
        let media = contentType.split(separator: ";", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces).lowercased() } ?? ""
        return media == "application/json" || (media.hasPrefix("application/") && media.hasSuffix("+json"))
    }
}
