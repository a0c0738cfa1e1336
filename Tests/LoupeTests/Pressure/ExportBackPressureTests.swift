import AsyncHTTPClient
import Foundation
import NIOCore
import NIOPosix
import Synchronization
import Testing

/// Issue 11, export back-pressure: an export reads from PostgreSQL only as fast as its client drains.
@Suite struct ExportBackPressureTests {
    static let rows = 40_000  // about 1.4 KB each: a 57 MB JSONL export

    @Test func stalledExportReadersHoldLittleMemoryNoConnectionAndAreCutOff() async throws {
        let served = try await ServedDatabase.start(serverEnvironment: ["LOUPE_STALL_TIMEOUT_S": "8"])
        let server = served.server
        defer { Task { _ = await server.terminate() } }
        let url = served.environment["DATABASE_URL"]!
        let (status, _, stderr) = try await OffPool.run { try Psql.blocking(url: url, """
            INSERT INTO items (id, task, status, input, output, confidence, reasons, final_output, decision_action, decided_by,
                               decided_at, queue_state, created_at, updated_at)
            SELECT gen_random_uuid(), 't', 'corrected', jsonb_build_object('text', repeat('Invoice line ' || g || ' ', 60)),
                   jsonb_build_object('total', g), 0.5, '[]', jsonb_build_object('total', g + 1), 'correct', 'user:r@example.com',
                   now(), 'done', now(), now()
            FROM generate_series(1, \(Self.rows)) AS g
            """) }
        #expect(status == 0, "\(stderr)")
        let pid = server.process.processIdentifier
        let before = Self.rssMiB(pid: pid)

        // 30 clients ask for the whole export and read only its first few KB.
        var readers: [any Channel] = []
        for _ in 0..<30 { readers.append(try await Self.stalledReader(port: server.port, key: served.admin)) }
        // Watch memory for a few seconds while the exports sit blocked (the old code grew for as long as it could).
        var peak = before
        for _ in 0..<30 {
            peak = max(peak, Self.rssMiB(pid: pid))
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(peak - before < 50, "30 stalled readers grew RSS from \(before) to \(peak) MiB")

        // Meanwhile a normal export gets a connection and every row (stalled readers hold none).
        let export = try await HTTP.lines(server.baseURL + "/v1/export?task=t&format=jsonl", key: served.admin)
        #expect(export == Self.rows)

        // The server cuts the stalled readers off after the stall timeout and says why. (The clients cannot see
        // the close without reading, which would un-stall them, so the server's log is the event to await.)
        var cut = 0
        for _ in 0..<400 where cut < readers.count {
            cut = server.log.components(separatedBy: "stalled reader").count - 1
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(cut == readers.count, "\(cut) of \(readers.count) stalled readers were cut off")
        for reader in readers {
            let closed = try await Self.closedWithin(reader, seconds: 20)
            #expect(closed, "the client sees the connection closed once it reads")
        }
        #expect(server.process.isRunning)
    }

    /// Sends the export request without reading more than the first bytes of the answer.
    static func stalledReader(port: Int, key: String) async throws -> any Channel {
        let first = FirstBytes()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .channelOption(.autoRead, value: false)
            .channelInitializer { channel in channel.eventLoop.makeCompletedFuture { try channel.pipeline.syncOperations.addHandler(first) } }
            .connect(host: "127.0.0.1", port: port).get()
        try await channel.writeAndFlush(ByteBuffer(string: "GET /v1/export?task=t&format=jsonl HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \(key)\r\n\r\n"))
        channel.read()
        let head = try await first.received.futureResult.get()
        #expect(head.hasPrefix("HTTP/1.1 200"), "\(head.prefix(200))")
        return channel
    }

    static func closedWithin(_ channel: any Channel, seconds: Int64) async throws -> Bool {
        let closed = channel.eventLoop.makePromise(of: Bool.self)
        channel.closeFuture.whenComplete { _ in closed.succeed(true) }
        let timer = channel.eventLoop.scheduleTask(in: .seconds(seconds)) { closed.succeed(false) }
        defer { timer.cancel() }
        // With autoRead off the client only notices the close when it reads: the server has closed, so
        // reading drains what the sockets still buffer and then sees the end.
        channel.setOption(.autoRead, value: true).whenComplete { _ in }
        return try await closed.futureResult.get()
    }

    /// Completes with the first chunk the server sends.
    final class FirstBytes: ChannelInboundHandler, @unchecked Sendable {
        typealias InboundIn = ByteBuffer
        let received: EventLoopPromise<String>
        private var done = false
        init() { received = MultiThreadedEventLoopGroup.singleton.next().makePromise() }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard !done else { return }
            done = true
            received.succeed(String(buffer: unwrapInboundIn(data)))
        }
        func errorCaught(context: ChannelHandlerContext, error: any Error) { if !done { done = true; received.fail(error) } }
        /// A connection closed before any answer must fail the wait, not leave it hanging.
        func channelInactive(context: ChannelHandlerContext) {
            if !done { done = true; received.fail(ChannelError.eof) }
            context.fireChannelInactive()
        }
    }

    static func rssMiB(pid: Int32) -> Double { FuzzProcessTests.memoryMiB(pid: pid, field: "VmRSS") }
}
