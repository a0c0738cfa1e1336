import Foundation

/// Runs blocking work (waiting for a child process, reading its pipe) on a thread of its own, so a long wait
/// does not hold one of the few cooperative threads every concurrently running test depends on.
enum OffPool {
    static func run<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
        }
    }
}
