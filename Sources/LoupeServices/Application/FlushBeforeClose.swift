import NIOCore

/// Holds a connection's close until the bytes already written have reached the socket.
///
/// Hummingbird 2.28 closes a connection it is quiescing (graceful shutdown) right after queueing the
/// last response part, and NIO fails writes still pending at close: a client reading an export slower
/// than Loupe wrote it lost the last ~100 KB. A client that stops reading delays the close by `limit` at most.
final class FlushBeforeClose: ChannelOutboundHandler, RemovableChannelHandler {
    typealias OutboundIn = Any
    typealias OutboundOut = Any

    private let limit: TimeAmount
    private var pending = 0
    private var whenFlushed: (() -> Void)?

    init(limit: TimeAmount = .seconds(30)) { self.limit = limit }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let promise = promise ?? context.eventLoop.makePromise()
        pending += 1
        promise.futureResult.assumeIsolated().whenComplete { _ in
            self.pending -= 1
            if self.pending == 0, let flushed = self.whenFlushed {
                self.whenFlushed = nil
                flushed()
            }
        }
        context.write(data, promise: promise)
    }

    func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all, pending > 0, whenFlushed == nil else {
            context.close(mode: mode, promise: promise)
            return
        }
        var done = false
        func closeOnce() {
            guard !done else { return }
            done = true
            context.close(mode: mode, promise: promise)
        }
        let timeout = context.eventLoop.assumeIsolated().scheduleTask(in: limit) { closeOnce() }
        whenFlushed = {
            timeout.cancel()
            closeOnce()
        }
    }
}
