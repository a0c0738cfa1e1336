import Foundation

/// Which addresses Loupe may send webhooks and callbacks to. Model output and ingest clients choose
/// callback URLs, so by default nothing inside the operator's network is reachable: loopback, private,
/// CGNAT, link-local, ULA, multicast, unspecified and reserved ranges are refused, in every IPv4-in-IPv6
/// spelling. The operator allows chosen ranges (`LOUPE_WEBHOOK_ALLOW_CIDRS`, e.g. 127.0.0.0/8 for local tests).
public struct DestinationPolicy: Sendable {
    public var allowed: [CIDR]

    public init(allowed: [CIDR] = []) { self.allowed = allowed }

    static let refused: [(CIDR, String)] = [
        ("0.0.0.0/8", "unspecified"), ("127.0.0.0/8", "loopback"), ("10.0.0.0/8", "private (RFC 1918)"),
        ("172.16.0.0/12", "private (RFC 1918)"), ("192.168.0.0/16", "private (RFC 1918)"), ("100.64.0.0/10", "CGNAT (RFC 6598)"),
        ("169.254.0.0/16", "link-local"), ("192.0.0.0/24", "IETF protocol assignments"), ("198.18.0.0/15", "benchmarking"),
        ("224.0.0.0/4", "multicast"), ("240.0.0.0/4", "reserved"),
        ("::/128", "unspecified"), ("::1/128", "loopback"), ("fe80::/10", "link-local"), ("fc00::/7", "unique local (ULA)"),
        ("ff00::/8", "multicast"), ("fec0::/10", "site-local"), ("100::/64", "discard-only"),
    ].map { (CIDR($0.0)!, $0.1) }

    /// Why `address` is refused (its class), or nil when Loupe may connect to it.
    public func refusal(_ address: IPAddress) -> String? {
        if allowed.contains(where: { $0.contains(address) }) { return nil }
        if let inner = address.embeddedV4 {
            // The IPv4 address inside decides, and the operator's IPv4 allowances apply to it too.
            if allowed.contains(where: { $0.contains(inner) }) { return nil }
            if let reason = Self.classify(inner) { return "\(reason), embedded in the IPv6 address \(address)" }
            return nil
        }
        return Self.classify(address)
    }

    static func classify(_ address: IPAddress) -> String? {
        refused.first { $0.0.contains(address) && $0.0.network.isV4 == address.isV4 }.map(\.1)
    }

    /// Checks what can be known without DNS: the scheme, and a host that is an address literal (in any
    /// spelling) or a loopback name. A name that must be resolved is checked again at every connect.
    public func check(url text: String) -> String? {
        guard let components = URLComponents(string: text), let scheme = components.scheme?.lowercased(),
              scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty else {
            return "must be an http:// or https:// URL with a host"
        }
        if components.user != nil || components.password != nil { return "must not carry a user name or password" }
        let name = host.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
        if name == "localhost" || name.hasSuffix(".localhost") {
            return refusal(IPAddress("127.0.0.1")!).map { "points to a \($0) address (\(host)); this destination is refused" }
        }
        if let address = IPAddress(host) {
            return refusal(address).map { "points to a \($0) address (\(address)); this destination is refused" }
        }
        return nil
    }
}
