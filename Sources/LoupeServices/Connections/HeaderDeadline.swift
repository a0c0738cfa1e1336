import HummingbirdCore
import NIOCore
import NIOHTTPTypes

/// Closes a connection whose request header block does not arrive within `timeout` of its first byte.
/// Two handlers share it: `RawBytes` (first in the pipeline) sees bytes arrive while no request is open,
/// `Parts` (after the HTTP codec) sees a request head complete and a response end.
// Only touched on its channel's event loop (both handlers and the timer run there).
final class HeaderDeadline: @unchecked Sendable {
    private let timeout: TimeAmount
    private var timer: Scheduled<Void>?
    /// True from a request's head until its response has been written; no deadline runs meanwhile.
    private var inRequest = false

    init(timeout: TimeAmount) { self.timeout = timeout }

    func bytesArrived(_ context: ChannelHandlerContext) {
        guard !inRequest, timer == nil else { return }
        let channel = context.channel
        timer = context.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
    }

    func headReceived() {
        inRequest = true
        timer?.cancel()
        timer = nil
    }

    func responseEnded() { inRequest = false }

    func closed() {
        timer?.cancel()
        timer = nil
    }

    /// Watches raw bytes before any decoding.
    final class RawBytes: ChannelInboundHandler, RemovableChannelHandler {
        typealias InboundIn = ByteBuffer
        typealias InboundOut = ByteBuffer
        let deadline: HeaderDeadline
        init(_ deadline: HeaderDeadline) { self.deadline = deadline }

        /// A connection that sends nothing at all is held to the same deadline as one that stops mid-header.
        func handlerAdded(context: ChannelHandlerContext) {
            if context.channel.isActive { deadline.bytesArrived(context) }
        }

        func channelActive(context: ChannelHandlerContext) {
            deadline.bytesArrived(context)
            context.fireChannelActive()
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            deadline.bytesArrived(context)
            context.fireChannelRead(data)
        }

        func channelInactive(context: ChannelHandlerContext) {
            deadline.closed()
            context.fireChannelInactive()
        }
    }

    /// Watches decoded request heads and response ends.
    final class Parts: ChannelDuplexHandler, RemovableChannelHandler {
        typealias InboundIn = HTTPRequestPart
        typealias InboundOut = HTTPRequestPart
        typealias OutboundIn = HTTPResponsePart
        typealias OutboundOut = HTTPResponsePart
        let deadline: HeaderDeadline
        init(_ deadline: HeaderDeadline) { self.deadline = deadline }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            if case .head = unwrapInboundIn(data) { deadline.headReceived() }
            context.fireChannelRead(data)
        }

        func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
            if case .end = unwrapOutboundIn(data) { deadline.responseEnded() }
            context.write(data, promise: promise)
        }
    }
}
