import Foundation
import Logging
import LoupeDomain
import PostgresNIO
import ServiceLifecycle
import Synchronization

/// The server's one LISTEN connection: `loupe_deliveries` wakes the webhook dispatcher at commit time,
/// `loupe_decided` (comma-separated item ids) wakes blocking waits on those items, `loupe_examples` ("task id,id,…")
/// tells the in-memory embedding indexes which examples to read again. Reconnects after failures; after any gap
/// every waiter reads its item again and every index reloads, since notifications may have been missed.
public final class DatabaseSignals: Service, Sendable {
    let location: DatabaseLocation
    let waiters: DecisionWaiters
    let vectors: ExampleVectors
    let logger: Logger
    /// One element per burst of new deliveries (coalesced).
    public let deliveries: AsyncStream<Void>
    private let continuation: AsyncStream<Void>.Continuation
    private let stop = ListenStop()

    public init(location: DatabaseLocation, waiters: DecisionWaiters, vectors: ExampleVectors, logger: Logger) {
        self.location = location
        self.waiters = waiters
        self.vectors = vectors
        self.logger = logger
        (deliveries, continuation) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
    }

    public func run() async throws {
        // Shutdown closes the LISTEN connection rather than cancelling this task: a task cancelled while PostgresNIO
        // was still setting up a LISTEN could wait forever, and with it the whole service group (a stalled test run).
        try await withGracefulShutdownHandler {
            while !self.stop.isStopping {
                do {
                    try await self.location.withConnection(logger: self.logger) { connection in
                        guard self.stop.hold(connection) else { return }
                        defer { self.stop.release() }
                        try await connection.listen(on: "loupe_deliveries") { deliveries in
                            try await connection.listen(on: "loupe_decided") { decided in
                                try await connection.listen(on: "loupe_examples") { examples in
                                    // Catch up on anything committed while not listening.
                                    self.continuation.yield()
                                    self.waiters.recheckAll()
                                    self.vectors.changedAll()
                                    try await withThrowingTaskGroup(of: Void.self) { group in
                                        group.addTask { for try await _ in deliveries { self.continuation.yield() } }
                                        group.addTask {
                                            for try await note in decided { self.waiters.decided(Self.ids(note.payload)) }
                                        }
                                        group.addTask {
                                            for try await note in examples { Self.examplesChanged(note.payload, self.vectors) }
                                        }
                                        try await group.next()
                                        group.cancelAll()
                                    }
                                }
                            }
                        }
                    }
                } catch {
                    if self.stop.isStopping { break }
                    self.logger.warning("LISTEN connection lost; webhooks poll and waits re-check until it is back: \(error)")
                    try? await Task.sleep(for: .seconds(2))
                }
            }
        } onGracefulShutdown: {
            self.stop.shutDown()
        }
        continuation.finish()
    }

    /// "task id,id,…" or "task *".
    static func examplesChanged(_ payload: String, _ vectors: ExampleVectors) {
        let parts = payload.split(separator: " ", maxSplits: 1)
        guard let task = parts.first.map(String.init) else { return }
        let ids = parts.count == 2 && parts[1] != "*" ? Self.ids(String(parts[1])) : nil
        vectors.changed(task: task, ids: ids)
    }

    static func ids(_ payload: String) -> [UUID] {
        payload.split(separator: ",").compactMap { UUID(uuidString: String($0)) }
    }
}

/// The LISTEN connection in use and whether the server is shutting down; shutting down closes the connection.
final class ListenStop: Sendable {
    private let state = Mutex<(stopping: Bool, connection: PostgresConnection?)>((false, nil))

    var isStopping: Bool { state.withLock { $0.stopping } }

    /// Keeps `connection` to close at shutdown; false when shutdown has begun (the caller returns at once).
    func hold(_ connection: PostgresConnection) -> Bool {
        state.withLock { s in
            guard !s.stopping else { return false }
            s.connection = connection
            return true
        }
    }

    func release() { state.withLock { $0.connection = nil } }

    func shutDown() {
        let connection = state.withLock { s -> PostgresConnection? in
            s.stopping = true
            return s.connection
        }
        if let connection { Task { try? await connection.close() } }
    }
}
