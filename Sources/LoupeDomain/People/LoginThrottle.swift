import Foundation

/// How long a sign-in must wait after repeated failures: free for the first few, then doubling.
public enum LoginThrottle {
    public static let freeAttempts = 5
    public static let maxDelay: TimeInterval = 15 * 60

    /// Seconds still to wait before another attempt for this email; 0 when allowed now.
    public static func wait(failures: Int, lastFailure: Date, now: Date, freeAttempts: Int = freeAttempts) -> TimeInterval {
        guard failures >= freeAttempts else { return 0 }
        let delay = min(maxDelay, pow(2, Double(failures - freeAttempts)))
        return max(0, lastFailure.addingTimeInterval(delay).timeIntervalSince(now))
    }
}
