import Hummingbird
import Synchronization

/// Every registered (method, path template), so a known path called with the wrong method answers
/// 405 with `Allow` instead of 404.
final class RouteTable: Sendable {
    private let routes = Mutex<[(method: String, segments: [Substring])]>([])

    func add(_ method: HTTPRequest.Method, _ path: String) {
        routes.withLock { $0.append((method.rawValue, Self.segments(path))) }
    }

    /// Methods registered for a concrete path, sorted; empty when the path is unknown.
    func methods(for path: String) -> [String] {
        let concrete = Self.segments(path)
        let found = routes.withLock { routes in
            routes.filter { Self.matches($0.segments, concrete) }.map(\.method)
        }
        var allowed = Set(found)
        if allowed.contains("GET") { allowed.insert("HEAD") }
        return allowed.sorted()
    }

    static func segments(_ path: String) -> [Substring] { path.split(separator: "/", omittingEmptySubsequences: true) }

    static func matches(_ template: [Substring], _ path: [Substring]) -> Bool {
        template.count == path.count && zip(template, path).allSatisfy { t, p in
            (t.hasPrefix("{") && t.hasSuffix("}")) || t == p || t == "*"
        }
    }
}
