import Foundation
import Hummingbird
import LoupeDomain
import NIOCore

/// The operator's security choices for the HTTP layer.
public struct SecuritySettings: Sendable {
    /// Where webhooks and per-item callbacks may be sent.
    public var destinations = DestinationPolicy()
    /// `LOUPE_PUBLIC_URL`; when it is https, session cookies are `Secure`.
    public var publicURL: String?
    /// Peers whose `X-Forwarded-For` / `X-Forwarded-Proto` are believed (a TLS-terminating proxy).
    public var trustedProxies: [CIDR] = []
    /// When set, `/metrics` needs `Authorization: Bearer <token>`.
    public var metricsToken: String?
    /// Sign-in throttles: guesses per email, and per client address, before each further one waits.
    public var freeAttemptsPerEmail = LoginThrottle.freeAttempts
    public var freeAttemptsPerAddress = 50
    /// bcrypt checks running at once, and waiting beyond those, before sign-ins get 429.
    public var passwordWorkers = 2
    public var passwordQueue = 8
    /// Requests per second for keys without their own `rate_limit` (LOUPE_DEFAULT_RATE_LIMIT); nil = unlimited.
    public var defaultRateLimit: Double?
    /// Instances sharing each key's rate (LOUPE_INSTANCES): each enforces `rate / instances`.
    public var instances = 1
    /// Requests in flight beyond which the server answers 503 (LOUPE_MAX_CONCURRENT_REQUESTS).
    public var maxConcurrentRequests = 512

    public init() {}

    /// The peer address, or the client behind a trusted proxy (the last hop it appended).
    func clientAddress(_ request: Request, peer: SocketAddress?) -> String {
        if isTrustedProxy(peer), let forwarded = request.headers[.xForwardedFor]?.split(separator: ",").last {
            return forwarded.trimmingCharacters(in: .whitespaces)
        }
        return peer?.ipAddress ?? "unknown"
    }

    private func isTrustedProxy(_ peer: SocketAddress?) -> Bool {
        guard let peerIP = peer?.ipAddress, let address = IPAddress(peerIP) else { return false }
        return trustedProxies.contains { $0.contains(address) }
    }

    /// Whether the browser reached Loupe over https: the public URL says so, or a trusted proxy does.
    func isHTTPS(_ request: Request, peer: SocketAddress?) -> Bool {
        if publicURL?.lowercased().hasPrefix("https://") == true { return true }
        return isTrustedProxy(peer) && request.headers[.xForwardedProto]?.lowercased() == "https"
    }
}

extension HTTPFields.Element.Name {
    static let xForwardedFor = Self("X-Forwarded-For")!
    static let xForwardedProto = Self("X-Forwarded-Proto")!
}
