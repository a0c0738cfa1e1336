import Foundation
import LoupeDomain
import NIOPosix

/// Resolves a host name with the system resolver off the event loops, so a destination can be checked
/// against the `DestinationPolicy` by the addresses a connection would actually use.
public enum HostResolver {
    public static func addresses(of host: String) async throws -> [IPAddress] {
        if let literal = IPAddress(host) { return [literal] }
        return try await NIOThreadPool.singleton.runIfActive { try lookup(host) }
    }

    /// Resolves `url`'s host and picks an address Loupe may connect to; throws `DestinationRefused`
    /// naming the class when any address is refused (a name that also resolves inward is not trusted).
    public static func allowedAddress(for url: String, policy: DestinationPolicy) async throws -> (host: String, address: IPAddress) {
        if let reason = policy.check(url: url) { throw DestinationRefused(reason: reason) }
        guard let host = URLComponents(string: url)?.host else { throw DestinationRefused(reason: "has no host") }
        let addresses: [IPAddress]
        do { addresses = try await self.addresses(of: host) } catch {
            throw DestinationRefused(reason: "host \(host) cannot be resolved")
        }
        if let refusal = firstRefusal(host, addresses, policy) { throw DestinationRefused(reason: refusal) }
        guard let first = addresses.first else { throw DestinationRefused(reason: "host \(host) has no address") }
        return (host, first)
    }

    /// At registration: why `url` is refused, or nil. A name that does not resolve yet is accepted here
    /// and checked again at every delivery.
    public static func registrationRefusal(for url: String, policy: DestinationPolicy) async -> String? {
        if let reason = policy.check(url: url) { return reason }
        guard let host = URLComponents(string: url)?.host, let addresses = try? await addresses(of: host) else { return nil }
        return firstRefusal(host, addresses, policy)
    }

    /// A name that resolves to any refused address is refused as a whole.
    static func firstRefusal(_ host: String, _ addresses: [IPAddress], _ policy: DestinationPolicy) -> String? {
        for address in addresses {
            if let reason = policy.refusal(address) { return "\(host) resolves to a \(reason) address (\(address)); this destination is refused" }
        }
        return nil
    }

    static func lookup(_ host: String) throws -> [IPAddress] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &result)
        guard status == 0, let result else { throw DestinationRefused(reason: "host \(host) cannot be resolved") }
        defer { freeaddrinfo(result) }
        var found: [IPAddress] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = result
        while let info = cursor?.pointee {
            if info.ai_family == AF_INET, let raw = info.ai_addr {
                let bytes = raw.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { p in withUnsafeBytes(of: p.pointee.sin_addr) { Array($0) } }
                if let a = IPAddress(bytes: bytes), !found.contains(a) { found.append(a) }
            } else if info.ai_family == AF_INET6, let raw = info.ai_addr {
                let bytes = raw.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { p in withUnsafeBytes(of: p.pointee.sin6_addr) { Array($0) } }
                if let a = IPAddress(bytes: bytes), !found.contains(a) { found.append(a) }
            }
            cursor = info.ai_next
        }
        return found
    }
}

/// A webhook or callback destination the policy refuses; `reason` names the address class.
public struct DestinationRefused: Error, Sendable, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
