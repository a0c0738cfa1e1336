import Hummingbird
import Synchronization

/// Every registered (method, path template), so a known path called with the wrong method answers
/// 405 with `Allow` instead of 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: String, segments: [Substring])]>([])

    func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.withLock { $0.append((method.rawValue, Self.segments(path))) }
    }

    /// Methods registered for a concrete path, sorted; empty when the path is unknown. Like the router's
    /// trie, a literal segment wins over a parameter: `/v1/items/batch` is not also `/v1/items/{id}`.
    func methods(for path: String) -> [String] {
        let concrete = Self.segments(path)
        let matching = routes.withLock { routes in routes.filter { Self.matches($0.segments, concrete) } }
        guard let best = matching.map({ Self.literalness($0.segments) }).max(by: Self.lessSpecific) else { return [] }
        let found = matching.filter { Self.literalness($0.segments) == best }.map(\.method)
        var allowed = Set(found)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return allowed.sorted()
    }

    /// Per segment, whether the template has a literal there.
    static func literalness(_ template: [Substring]) -> [Bool] { template.map { !($0.hasPrefix("{") && $0.hasSuffix("}")) && $0 != "*" } }

    /// Lexicographic: the first segment where one is literal and the other a parameter decides.
    static func lessSpecific(_ a: [Bool], _ b: [Bool]) -> Bool {
        for (x, y) in zip(a, b) where x != y { return !x }
        return false
    }

    static func segments(_ path: String) -> [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }

    static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        template.count == path.count && zip(template, path).allSatisfy { t, p in
            (t.hasPrefix("{") && t.hasSuffix("}")) || t == p || t == "*"
        }
    }
}
