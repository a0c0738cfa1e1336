import Foundation

/// `wrk` (Debian's C load generator) in its own process, one connection per thread so a Lua script can time
/// each request and tell accepted answers from refusals. `pauseMs` paces each connection: many paced
/// connections offer a chosen load instead of as much as the server can take.
struct Wrk {
    /// What one run saw: answers by status, latencies of accepted (2xx) answers, refusals without Retry-After.
    struct Result {
        var seconds: Double
        var statuses: [Int: Int] = [:]
        var accepted: [Double] = []  // ms, sorted
        var refusalsWithoutRetryAfter = 0
        /// CPU seconds wrk itself used (it shares the machine's cores with the servers).
        var clientCPU = 0.0

        var total: Int { statuses.values.reduce(0, +) }
        var ok: Int { statuses.filter { (200..<300).contains($0.key) }.values.reduce(0, +) }
        var refused: Int { (statuses[429] ?? 0) + (statuses[503] ?? 0) }
        var serverErrors: Int { statuses.filter { $0.key >= 500 && $0.key != 503 }.values.reduce(0, +) }
        func percentile(_ p: Double) -> Double {
            accepted.isEmpty ? .nan : accepted[min(accepted.count - 1, Int(Double(accepted.count) * p))]
        }
    }

    /// The server's base URL and the path requests go to (`/v1/items`; the floor's `/raw`).
    let url: String
    let key: String?
    let body: String
    var path = "/v1/items"

    init(url: String, key: String?, body: String, path: String = "/v1/items") {
        // Callers give the full URL of the endpoint; wrk wants the server and the script the path.
        self.url = url
        self.key = key
        self.body = body
        self.path = path
    }

    func run(connections: Int, seconds: Int, pauseMs: Double) throws -> Result {
        let script = NSTemporaryDirectory() + "loupe-wrk-\(UUID().uuidString.prefix(8)).lua"
        try Self.lua(body: body, key: key, path: path, pauseMs: pauseMs).write(toFile: script, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: script) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/wrk")
        process.arguments = ["-t\(connections)", "-c\(connections)", "-d\(seconds)s", "--timeout", "10s", "-s", script, url]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        let before = Self.childrenCPU()
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var result = Result(seconds: Double(seconds))
        result.clientCPU = Self.childrenCPU() - before
        for line in text.split(separator: "\n") {
            let parts = line.split(separator: " ")
            switch parts.first {
            case "STATUS": if parts.count == 3, let s = Int(parts[1]), let n = Int(parts[2]) { result.statuses[s] = n }
            case "MISSING_RETRY_AFTER": result.refusalsWithoutRetryAfter = Int(parts.last ?? "") ?? 0
            case "ACCEPTED_MS": result.accepted = parts.dropFirst().compactMap { Double($0) }.sorted()
            default: break
            }
        }
        guard process.terminationStatus == 0, result.total > 0 else { throw BenchError("wrk failed:\n\(text.suffix(2000))") }
        return result
    }

    /// CPU seconds of this process's waited-for children (wrk runs one at a time; the servers are never reaped mid-run).
    static func childrenCPU() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }

    /// LuaJIT's FFI reads CLOCK_MONOTONIC; with one connection per thread, request() and response() alternate.
    static func lua(body: String, key: String?, path: String, pauseMs: Double) -> String {
        let auth = key.map { #", ["Authorization"] = "Bearer \#($0)""# } ?? ""
        return """
        local ffi = require("ffi")
        ffi.cdef[[ typedef struct { long tv_sec; long tv_nsec; } loupe_ts; int clock_gettime(int, loupe_ts *); ]]
        local ts = ffi.new("loupe_ts")
        local function now_ms() ffi.C.clock_gettime(1, ts); return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6 end
        local threads = {}
        function setup(thread) table.insert(threads, thread) end
        local body = [==[\(body)]==]
        local started = 0
        accepted = {}
        statuses = {}
        missing = 0
        function request()
          started = now_ms()
          return wrk.format("POST", "\(path)", { ["Content-Type"] = "application/json"\(auth) }, body)
        end
        function delay() return \(Int(pauseMs.rounded())) end
        function response(status, headers, _)
          local took = now_ms() - started
          statuses[status] = (statuses[status] or 0) + 1
          if status >= 200 and status < 300 then accepted[#accepted + 1] = string.format("%.2f", took) end
          if (status == 429 or status == 503) and headers["Retry-After"] == nil then missing = missing + 1 end
        end
        function done(summary, latency, requests)
          local counts, all, missed = {}, {}, 0
          for _, t in ipairs(threads) do
            for s, n in pairs(t:get("statuses")) do counts[s] = (counts[s] or 0) + n end
            for _, v in ipairs(t:get("accepted")) do all[#all + 1] = v end
            missed = missed + t:get("missing")
          end
          for s, n in pairs(counts) do io.write("STATUS ", s, " ", n, "\\n") end
          io.write("MISSING_RETRY_AFTER ", missed, "\\n")
          io.write("ACCEPTED_MS ", table.concat(all, " "), "\\n")
        end
        """
    }
}
