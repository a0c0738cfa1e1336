import Logging
import NIOCore

/// Cuts off a client that stops reading: when a response has filled the socket (the channel is no longer
/// writable) and nothing drains for `timeout`, the connection is closed and logged. Whatever was writing
/// (an export page, say) then fails its write and stops reading from PostgreSQL.
// Only touched on its channel's event loop (the handler and the timer run there).
final class WriteStall: ChannelInboundHandler, RemovableChannelHandler, @unchecked Sendable {
    typealias InboundIn = NIOAny
    private let timeout: TimeAmount
    private let logger: Logger
    private var timer: Scheduled<Void>?

    init(timeout: TimeAmount, logger: Logger) {
        self.timeout = timeout
        self.logger = logger
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable {
            timer?.cancel()
            timer = nil
        } else if timer == nil {
            let channel = context.channel
            let (logger, seconds) = (logger, timeout.nanoseconds / 1_000_000_000)
            timer = context.eventLoop.scheduleTask(in: timeout) {
                logger.warning("closing connection from \(channel.remoteAddress.map { "\($0)" } ?? "?"): the client read nothing for \(seconds) s while a response waited (stalled reader)")
                channel.close(promise: nil)
            }
        }
        context.fireChannelWritabilityChanged()
    }

    func channelInactive(context: ChannelHandlerContext) {
        timer?.cancel()
        timer = nil
        context.fireChannelInactive()
    }
}
