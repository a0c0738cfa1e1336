import Hummingbird
import NIOCore
import LoupeDomain

/// Per-request state: Hummingbird's core plus the authenticated caller.
public struct LoupeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?
    /// The TCP peer (nil in router-level tests).
    public let peer: SocketAddress?

    /// How history and decisions name the caller; routes that reach here are authenticated.
    var actor: String { principal?.actor ?? "anonymous" }

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
        peer = source.channel.remoteAddress
    }
}
