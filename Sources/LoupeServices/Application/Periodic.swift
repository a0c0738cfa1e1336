import Logging
import ServiceLifecycle

/// The loop every periodic service shares: one pass every `interval` until graceful shutdown; a pass that
/// fails is logged and the next one comes at the next tick.
enum Periodic {
    static func run(every interval: Duration, logger: Logger, failure: String, _ pass: @escaping @Sendable () async throws -> Void) async {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await pass()
                } catch {
                    if Task.isCancelled { return }
                    logger.warning("\(failure); retrying: \(error)")
                }
                try await Task.sleep(for: interval)
            }
        }
    }
}
