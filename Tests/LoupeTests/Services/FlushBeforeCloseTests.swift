import NIOCore
import NIOEmbedded
import Testing
@testable import LoupeServices

/// The connection close that graceful shutdown asks for waits until queued bytes have gone out.
@Suite struct FlushBeforeCloseTests {
    /// Whether a future has completed, read without blocking (a blocking wait would hang a failing test).
    final class Done: @unchecked Sendable {
        var value = false
        init(_ future: EventLoopFuture<Void>) { future.whenComplete { _ in self.value = true } }
    }

    func connected(_ handler: FlushBeforeClose) throws -> EmbeddedChannel {
        let channel = EmbeddedChannel(handler: handler)
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    @Test func aCloseWaitsForQueuedWritesThenHappens() throws {
        let channel = try connected(FlushBeforeClose())
        // Written but not yet flushed: the embedded channel completes a write only when it is flushed.
        let written = Done(channel.write(ByteBuffer(string: "the export's last page")))
        let closed = Done(channel.close())
        channel.embeddedEventLoop.run()
        #expect(channel.isActive && !closed.value, "closing must wait for the queued write")
        channel.flush()
        channel.embeddedEventLoop.run()
        #expect(written.value && closed.value && !channel.isActive)
        #expect(try channel.readOutbound(as: ByteBuffer.self).map { String(buffer: $0) } == "the export's last page")
    }

    @Test func withNothingQueuedItClosesAtOnce() throws {
        let channel = try connected(FlushBeforeClose())
        _ = channel.writeAndFlush(ByteBuffer(string: "done"))
        let closed = Done(channel.close())
        channel.embeddedEventLoop.run()
        #expect(closed.value && !channel.isActive)
    }

    @Test func aReaderThatNeverDrainsIsClosedAfterTheLimit() throws {
        let channel = try connected(FlushBeforeClose(limit: .seconds(30)))
        _ = channel.write(ByteBuffer(string: "never flushed"))
        let closed = Done(channel.close())
        channel.embeddedEventLoop.advanceTime(by: .seconds(29))
        #expect(channel.isActive && !closed.value)
        channel.embeddedEventLoop.advanceTime(by: .seconds(1))
        #expect(closed.value && !channel.isActive)
    }
}
