import Foundation

/// An IPv4 or IPv6 address as bytes (4 or 16), parsed the way the C resolver parses literals, so
/// `2130706433`, `0x7f.1` and `127.1` are all 127.0.0.1 here exactly as they are to `connect`.
public struct IPAddress: Sendable, Hashable, CustomStringConvertible {
    public let bytes: [UInt8]
    public var isV4: Bool { bytes.count == 4 }

    public init?(bytes: [UInt8]) {
        guard bytes.count == 4 || bytes.count == 16 else { return nil }
        self.bytes = bytes
    }

    /// Parses an IPv4 literal in any form `inet_aton` accepts, or an IPv6 literal (brackets optional).
    public init?(_ text: String) {
        var host = text
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // A zone id (`fe80::1%eth0`) names an interface, not a different address.
        if let percent = host.firstIndex(of: "%") { host = String(host[..<percent]) }
        var v4 = in_addr()
        if !host.contains(":"), inet_aton(host, &v4) != 0 {
            self.bytes = withUnsafeBytes(of: v4.s_addr) { Array($0) }
            return
        }
        var v6 = in6_addr()
        guard host.contains(":"), inet_pton(AF_INET6, host, &v6) == 1 else { return nil }
        self.bytes = withUnsafeBytes(of: v6) { Array($0) }
    }

    public var description: String {
        if isV4 { return bytes.map(String.init).joined(separator: ".") }
        var address = in6_addr()
        withUnsafeMutableBytes(of: &address) { $0.copyBytes(from: bytes) }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        guard inet_ntop(AF_INET6, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4, Teredo), if any.
    public var embeddedV4: IPAddress? {
        guard !isV4 else { return nil }
        let b = bytes
        let zeros10 = b[0..<10].allSatisfy { $0 == 0 }
        if zeros10, b[10] == 0xff, b[11] == 0xff { return IPAddress(bytes: Array(b[12..<16])) }            // ::ffff:a.b.c.d
        if zeros10, b[10] == 0, b[11] == 0, b[12..<16].contains(where: { $0 != 0 }),
           !(b[12..<15].allSatisfy { $0 == 0 } && b[15] == 1) { return IPAddress(bytes: Array(b[12..<16])) } // ::a.b.c.d
        if b[0] == 0x00, b[1] == 0x64, b[2] == 0xff, b[3] == 0x9b { return IPAddress(bytes: Array(b[12..<16])) } // 64:ff9b::/32 (NAT64)
        if b[0] == 0x20, b[1] == 0x02 { return IPAddress(bytes: Array(b[2..<6])) }                          // 2002::/16 (6to4)
        if b[0] == 0x20, b[1] == 0x01, b[2] == 0, b[3] == 0 { return IPAddress(bytes: b[12..<16].map { $0 ^ 0xff }) } // Teredo
        return nil
    }
}

/// An address range such as `127.0.0.0/8` or `fc00::/7`.
public struct CIDR: Sendable, Hashable, CustomStringConvertible {
    public let network: IPAddress
    public let prefix: Int

    public init?(_ text: String) {
        let parts = text.trimmingCharacters(in: .whitespaces).split(separator: "/", maxSplits: 1)
        guard let first = parts.first, let address = IPAddress(String(first)) else { return nil }
        let bits = address.bytes.count * 8
        let prefix = parts.count == 2 ? Int(parts[1]) : bits
        guard let prefix, (0...bits).contains(prefix) else { return nil }
        self.network = address
        self.prefix = prefix
    }

    public var description: String { "\(network)/\(prefix)" }

    public func contains(_ address: IPAddress) -> Bool {
        guard address.bytes.count == network.bytes.count else {
            // An IPv4 range also covers the same addresses written as IPv6 (::ffff:127.0.0.1).
            if network.isV4, let inner = address.embeddedV4 { return contains(inner) }
            return false
        }
        var remaining = prefix
        for (a, n) in zip(address.bytes, network.bytes) where remaining > 0 {
            let take = min(8, remaining)
            let mask: UInt8 = take == 8 ? 0xff : ~(0xff >> UInt8(take))
            if a & mask != n & mask { return false }
            remaining -= take
        }
        return true
    }

    /// Parses a comma-separated list; the entries that are not ranges come back separately.
    public static func list(_ text: String) -> (ranges: [CIDR], invalid: [String]) {
        var ranges: [CIDR] = [], invalid: [String] = []
        for part in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) where !part.isEmpty {
            if let range = CIDR(part) { ranges.append(range) } else { invalid.append(part) }
        }
        return (ranges, invalid)
    }
}
