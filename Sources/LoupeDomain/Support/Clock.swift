import Foundation

/// The source of "now" for everything Loupe records, so tests can control time.
public protocol LoupeClock: Sendable {
    func now() -> Date
}

/// Wall-clock time.
public struct SystemClock: LoupeClock {
    public init() {}
    public func now() -> Date { Date() }
}
