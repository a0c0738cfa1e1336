import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A real nginx (Debian's package) in front of several `loupe serve` processes, round-robin, as an operator
/// would run it. It logs which upstream answered each request, so a test can see all of them took part.
final class Nginx: @unchecked Sendable {
    static let binary = "/usr/sbin/nginx"
    let directory: String
    let port: Int
    private let process = Process()

    var baseURL: String { "http://127.0.0.1:\(port)" }

    init(upstreams: [Int]) throws {
        directory = "/tmp/loupe-nginx-\(getpid())-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        chmod(directory, 0o777)  // workers run as nobody when the tests run as root
        port = try Self.freePort()
        let servers = upstreams.map { "        server 127.0.0.1:\($0);" }.joined(separator: "\n")
        try """
            worker_processes 1;
            daemon off;
            pid \(directory)/nginx.pid;
            error_log \(directory)/error.log warn;
            events { worker_connections 2048; }
            http {
                log_format upstream '$upstream_addr $status';
                access_log \(directory)/access.log upstream;
                client_body_temp_path \(directory)/body;
                proxy_temp_path \(directory)/proxy;
                fastcgi_temp_path \(directory)/fastcgi;
                uwsgi_temp_path \(directory)/uwsgi;
                scgi_temp_path \(directory)/scgi;
                upstream loupe {
            \(servers)
                    keepalive 32;
                }
                server {
                    listen 127.0.0.1:\(port);
                    location / {
                        proxy_pass http://loupe;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_buffering off;
                        proxy_read_timeout 330s;
                    }
                }
            }
            """.write(toFile: directory + "/nginx.conf", atomically: true, encoding: .utf8)
        process.executableURL = URL(fileURLWithPath: Self.binary)
        process.arguments = ["-p", directory, "-c", directory + "/nginx.conf", "-e", directory + "/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
    }

    /// Waits until nginx answers `/ready` from an upstream.
    func waitUntilReady() async throws -> Bool {
        for _ in 0..<200 {
            if !process.isRunning { return false }
            if let (status, _) = try? await HTTP.request("GET", baseURL + "/ready"), status == 200 { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// How many requests each upstream answered, from the access log.
    var answeredBy: [String: Int] {
        let log = (try? String(contentsOfFile: directory + "/access.log", encoding: .utf8)) ?? ""
        var counts: [String: Int] = [:]
        for line in log.split(separator: "\n") { counts[String(line.split(separator: " ").first ?? ""), default: 0] += 1 }
        return counts
    }

    func stop() {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// A port nobody listens on now (the kernel's choice for a socket bound to port 0).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard bound else { throw HarnessError(message: "no free port: \(String(cString: strerror(errno)))") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
