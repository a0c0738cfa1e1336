import Foundation
import LoupeJSON
import NIOCore
import NIOPosix
import Testing

/// Issue 11, connection timeouts: a slowloris connection is closed by the header deadline.
@Suite struct ConnectionLimitTests {
    /// Opens a raw TCP connection, sends `bytes`, and waits (at most `limit` s) for the server to close it.
    /// Returns what the server sent and whether it closed the connection in time.
    static func sendAndAwaitClose(port: Int, _ bytes: String, limit: Int64 = 15) async throws -> (closed: Bool, received: String) {
        let collector = Collector()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(collector) } }
            .connect(host: "127.0.0.1", port: port).get()
        if !bytes.isEmpty {
            do { try await channel.writeAndFlush(ByteBuffer(string: bytes)) } catch {
                // On a loaded machine the server's deadline may pass before we write: it closed the connection.
                return (!channel.isActive, collector.text)
            }
        }
        let closed = channel.eventLoop.makePromise(of: Bool.self)
        channel.closeFuture.whenComplete { _ in closed.succeed(true) }
        let timer = channel.eventLoop.scheduleTask(in: .seconds(limit)) { closed.succeed(false) }
        let result = try await closed.futureResult.get()
        timer.cancel()
        if !result { try? await channel.close() }
        return (result, collector.text)
    }

    final class Collector: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        private(set) var text = ""
        func channelRead(context: ChannelHandlerContext, data: NIOAny) { text += String(buffer: unwrapInboundIn(data)) }
    }

    @Test func halfSentAndSilentConnectionsAreClosedWithinTheHeaderTimeout() async throws {
        let location = try await TestCluster.freshDatabase()
        let server = try ServerProcess(environment: ["DATABASE_URL": try await TestCluster.databaseURL(location), "LOUPE_HEADER_TIMEOUT_S": "5"])
        defer { Task { _ = await server.terminate() } }
        #expect(try await server.waitUntilReady())
        // A whole request is answered normally.
        let whole = try await Self.sendAndAwaitClose(port: server.port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        #expect(whole.received.hasPrefix("HTTP/1.1 200"), "\(whole.received)")
        // Before, these stayed open 150 s and 300 s; the test gives up (and fails) after 15 s.
        let half = try await Self.sendAndAwaitClose(port: server.port, "GET /health HT")
        #expect(half.closed, "a half-sent request line is cut off")
        let silent = try await Self.sendAndAwaitClose(port: server.port, "")
        #expect(silent.closed, "a connection that sends nothing is cut off")
    }
}
