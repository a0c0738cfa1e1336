import Foundation

/// The server's own time in one route, from its Prometheus histogram (`http_server_request_duration`'s `_sum` and
/// `_count` over every status): the difference of two readings is the mean time the handler took between them, which
/// separates the server's share of a latency from the client's and the network's.
struct RouteTimes {
    var seconds = 0.0, requests = 0.0

    /// Sums the route's series in a `/metrics` exposition; `route` is the route as registered (`/v1/items/{id}/decision`).
    init(exposition: String, route: String) {
        for line in exposition.split(separator: "\n") where line.contains("duration") && line.contains("\"\(route)\"") {
            guard let name = line.split(separator: "{").first, let value = line.split(separator: " ").last.flatMap({ Double($0) }) else { continue }
            if name.hasSuffix("_sum") { seconds += value } else if name.hasSuffix("_count") { requests += value }
        }
    }

    /// The mean milliseconds per request between `earlier` and this reading (NaN when no request came in between).
    func meanMs(since earlier: RouteTimes) -> Double {
        let n = requests - earlier.requests
        return n > 0 ? (seconds - earlier.seconds) / n * 1000 : .nan
    }
}
