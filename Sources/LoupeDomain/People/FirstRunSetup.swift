import Crypto
import Foundation
import Synchronization

/// The one-time setup link `loupe serve` prints while no admin account exists: whoever holds its token may create
/// the first admin in the browser, once. The token lives only in this server's memory.
public final class FirstRunSetup: Sendable {
    private let token: Mutex<String?>

    /// A fresh 256-bit token.
    public init() {
        var bytes = [UInt8](repeating: 0, count: 32)
        var generator = SystemRandomNumberGenerator()
        for i in bytes.indices { bytes[i] = UInt8.random(in: 0...255, using: &generator) }
        token = Mutex(Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: ""))
    }

    /// The token while setup is open; nil once used or closed.
    public var current: String? { token.withLock { $0 } }

    /// Whether `candidate` is the open token, without taking it.
    public func matches(_ candidate: String) -> Bool {
        token.withLock { t in t.map { SHA256.hash(data: Data(candidate.utf8)) == SHA256.hash(data: Data($0.utf8)) } ?? false }
    }

    /// Takes the token if `candidate` is it (compared as digests, so timing says nothing); true at most once.
    public func take(_ candidate: String) -> Bool {
        token.withLock { t in
            guard let expected = t, SHA256.hash(data: Data(candidate.utf8)) == SHA256.hash(data: Data(expected.utf8)) else { return false }
            t = nil
            return true
        }
    }

    /// Gives a taken token back (creating the admin failed, so the link must keep working).
    public func restore(_ value: String) { token.withLock { if $0 == nil { $0 = value } } }

    /// An admin exists: the link stops working.
    public func close() { token.withLock { $0 = nil } }
}
