import Foundation
import LoupeDomain
import Synchronization

/// Token buckets per API key: `rate` requests per second with a burst of one second's worth (at least 1).
/// Each instance keeps its own buckets and enforces `rate / instances` (LOUPE_INSTANCES), so N instances
/// behind a balancer together allow about `rate`.
public final class RateLimiter: Sendable {
    struct Bucket { var tokens: Double; var updated: TimeInterval }

    let defaultRate: Double?
    let instances: Double
    let clock: any LoupeClock
    private let buckets = Mutex<[String: Bucket]>([:])

    public init(defaultRate: Double? = nil, instances: Int = 1, clock: any LoupeClock = SystemClock()) {
        self.defaultRate = defaultRate
        self.instances = Double(max(1, instances))
        self.clock = clock
    }

    /// Takes `cost` tokens from the caller's bucket or throws 429 with Retry-After and RateLimit-* headers.
    func admit(_ principal: Principal, cost: Double = 1) throws(Problem) {
        let now = clock.now().timeIntervalSince1970
        guard principal.kind == .apiKey, let perKey = principal.rateLimit ?? defaultRate else { return }
        let rate = perKey / instances
        let capacity = max(1, rate)
        let outcome: (ok: Bool, remaining: Double, wait: Double) = buckets.withLock { all in
            if all.count > 100_000 { all.removeAll() }
            var bucket = all[principal.id] ?? Bucket(tokens: capacity, updated: now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.updated) * rate)
            bucket.updated = now
            let ok = bucket.tokens >= min(cost, capacity)
            if ok { bucket.tokens -= cost }
            all[principal.id] = bucket
            return (ok, max(0, bucket.tokens), ok ? 0 : (min(cost, capacity) - bucket.tokens) / rate)
        }
        guard !outcome.ok else { return }
        let retry = max(1, Int(outcome.wait.rounded(.up)))
        var problem = Problem(status: 429, slug: "rate-limited", title: "Too many requests",
                              detail: "this key may make \(JSONNumberText.format(perKey)) requests per second; retry in \(retry) s")
        problem.retryAfter = retry
        problem.headers = ["RateLimit-Limit": JSONNumberText.format(perKey), "RateLimit-Remaining": String(Int(outcome.remaining)),
                           "RateLimit-Reset": String(retry)]
        throw problem
    }
}

/// Short decimal text for numbers in messages and headers (10, 2.5).
enum JSONNumberText {
    static func format(_ value: Double) -> String {
        value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }
}
