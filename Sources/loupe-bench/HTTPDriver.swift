import AsyncHTTPClient
import Foundation
import LoupeJSON
import NIOCore
import NIOHTTP1

/// Keep-alive HTTP calls against a server under test.
struct HTTPDriver: Sendable {
    let client: HTTPClient
    let base: String

    init(base: String, connections: Int) {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool = .init(idleTimeout: .seconds(60), concurrentHTTP1ConnectionsPerHostSoftLimit: connections)
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.base = base
    }

    /// Sends a request; returns the status and the body.
    func send(_ method: HTTPMethod, _ path: String, key: String?, body: [UInt8]? = nil,
              timeout: TimeAmount = .seconds(30)) async throws -> (Int, ByteBuffer) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if let key { request.headers.add(name: "Authorization", value: "Bearer \(key)") }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: timeout)
        let buffer = try await response.body.collect(upTo: 64 << 20)
        return (Int(response.status.code), buffer)
    }

    func json(_ method: HTTPMethod, _ path: String, key: String?, body: JSONValue? = nil) async throws -> (Int, JSONValue) {
        let (status, buffer) = try await send(method, path, key: key, body: body.map(JSONWriter.bytes))
        let value = buffer.readableBytes == 0 ? .null : ((try? buffer.withUnsafeReadableBytes { try JSONParser.parse($0) }) ?? .null)
        return (status, value)
    }

    /// Streams a response, counting bytes and lines without keeping the body.
    func shutdown() async throws { try await client.shutdown() }
}
