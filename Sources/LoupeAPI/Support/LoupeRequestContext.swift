import Hummingbird
import LoupeDomain

/// Per-request state: Hummingbird's core plus the authenticated caller.
public struct LoupeRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public var principal: Principal?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        principal = nil
    }
}
