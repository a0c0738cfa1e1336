import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import Synchronization

/// Connection limits Hummingbird's HTTP/1 channel does not enforce by itself.
public struct ConnectionLimits: Sendable {
    /// A request's header block must arrive within this long of its first byte (slowloris).
    public var headerTimeout: TimeAmount = .seconds(10)
    /// A keep-alive connection with no request in progress is closed after this long.
    public var idleTimeout: TimeAmount = .seconds(60)
    /// Open connections beyond this are answered 503 and closed at once.
    public var maxConnections = 4096
    /// A client that reads nothing of a waiting response for this long is cut off (a stalled export reader).
    public var stallTimeout: TimeAmount = .seconds(300)
    public init() {}
}

/// HTTP/1 with a header deadline, an idle timeout and a connection cap around Hummingbird's own channel setup.
struct GuardedHTTP1: HTTPChannelHandler {
    typealias Value = HTTP1Channel.Value
    let responder: Responder
    let limits: ConnectionLimits
    let extraHandlers: @Sendable () -> [any RemovableChannelHandler]
    let open: OpenConnections

    static func builder(limits: ConnectionLimits, extraHandlers: @escaping @Sendable () -> [any RemovableChannelHandler]) -> HTTPServerBuilder {
        let open = OpenConnections()
        return HTTPServerBuilder { responder in GuardedHTTP1(responder: responder, limits: limits, extraHandlers: extraHandlers, open: open) }
    }

    func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        let count = open.count.wrappingAdd(1, ordering: .relaxed).newValue
        channel.closeFuture.whenComplete { [open] _ in open.count.wrappingSubtract(1, ordering: .relaxed) }
        if count > limits.maxConnections {
            // Refuse cheaply: a fixed answer, then close, without parsing anything the client sent.
            let body = #"{"type":"urn:loupe:problem:unavailable","title":"Service unavailable","status":503,"detail":"too many open connections; retry shortly"}"#
            let response = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/problem+json\r\nRetry-After: 1\r\n"
                + "Connection: close\r\nContent-Length: \(body.utf8.count)\r\n\r\n\(body)"
            channel.writeAndFlush(ByteBuffer(string: response)).whenComplete { _ in channel.close(promise: nil) }
            return channel.eventLoop.makeFailedFuture(ConnectionRefused())
        }
        let deadline = HeaderDeadline(timeout: limits.headerTimeout)
        do {
            try channel.pipeline.syncOperations.addHandler(HeaderDeadline.RawBytes(deadline), position: .first)
            try channel.pipeline.syncOperations.addHandler(WriteStall(timeout: limits.stallTimeout, logger: logger), position: .first)
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        let extra = extraHandlers
        return http1(extra: { extra() + [HeaderDeadline.Parts(deadline)] }).setup(channel: channel, logger: logger)
    }

    func handle(value: Value, logger: Logger) async { await http1(extra: extraHandlers).handle(value: value, logger: logger) }

    private func http1(extra: @escaping @Sendable () -> [any RemovableChannelHandler]) -> HTTP1Channel {
        HTTP1Channel(responder: responder, configuration: .init(additionalChannelHandlers: extra(), idleTimeout: limits.idleTimeout))
    }
}

/// The count of open connections, shared by every child channel of one server.
final class OpenConnections: Sendable {
    let count = Atomic<Int>(0)
}

struct ConnectionRefused: Error {}
