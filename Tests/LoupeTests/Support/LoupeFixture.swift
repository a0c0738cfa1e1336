import Foundation
import Hummingbird
import HummingbirdTesting
import LoupeAPI
import LoupeDomain
import LoupeJSON
import LoupeServices
import LoupeStore
import Synchronization
import ServiceLifecycle
import Testing

/// A clock tests move by hand; a live one also runs with real time (for retries that must come due).
final class TestClock: LoupeClock {
    private let offset: Mutex<TimeInterval>
    private let live: Bool
    private static let start = Date(timeIntervalSince1970: 1_800_000_000)

    init(live: Bool = false) {
        self.live = live
        offset = Mutex(0)
    }

    func now() -> Date { (live ? Date() : Self.start).addingTimeInterval(offset.withLock { $0 }) }
    func advance(_ seconds: TimeInterval) { offset.withLock { $0 += seconds } }
}

/// A running Loupe (router-level) on a fresh database, with one API key per role.
struct LoupeFixture {
    let client: any TestClientProtocol
    let store: PostgresStore
    let clock: TestClock
    let keys: [Role: String]
    let keyIDs: [Role: String]
    /// The fixture's database, for psql checks that go around Loupe.
    let databaseURL: String

    func key(_ role: Role) -> String { keys[role]! }
    /// How decisions and history name the caller with this role's key ("key:<id>").
    func actor(_ role: Role) -> String { "key:" + keyIDs[role]! }

    /// Sends JSON (or raw bytes) with a role's key; returns status, headers and parsed body.
    @discardableResult
    func call(_ method: HTTPRequest.Method, _ path: String, as role: Role? = .admin, key explicitKey: String? = nil,
              json: JSONValue? = nil, raw: String? = nil, headers extra: HTTPFields = [:]) async throws -> TestReply {
        var headers: HTTPFields = [.contentType: "application/json"]
        if let key = explicitKey ?? role.map(key) { headers[.authorization] = "Bearer \(key)" }
        headers.append(contentsOf: extra)
        let body = raw.map { ByteBuffer(string: $0) } ?? json.map { ByteBuffer(bytes: JSONWriter.bytes($0)) }
        return try await client.execute(uri: path, method: method, headers: headers, body: body) { response in
            TestReply(status: Int(response.status.code), headers: response.headers, text: String(buffer: response.body))
        }
    }

    /// A further API key, e.g. a second reviewer.
    func newKey(_ name: String, role: Role) async throws -> String {
        try await store.keys.create(name: name, role: role, now: clock.now()).key
    }

    /// Posts an item and returns its id.
    @discardableResult
    func submit(_ task: String, confidence: Double, output: JSONValue = ["vendor": "V", "total": 1], priority: Int = 0,
                externalID: String? = nil) async throws -> String {
        var item: JSONObject = ["task": .string(task), "input": "doc", "output": output, "confidence": .double(confidence),
                                "priority": .int(priority)]
        if let externalID { item["external_id"] = .string(externalID) }
        let reply = try await call(.post, "/v1/items", as: .ingest, json: .object(item))
        #expect(reply.status == 201, "intake failed: \(reply.text)")
        return reply.json["id"]?.stringValue ?? ""
    }

    /// Claims the next item and decides it; returns the item id.
    @discardableResult
    func decideNext(_ action: String, output: JSONValue? = nil, reason: String? = nil, as role: Role = .reviewer) async throws -> String {
        let claimed = try await call(.post, "/v1/review/claim", as: role)
        let id = claimed.json["id"]?.stringValue ?? ""
        var body: JSONObject = ["action": .string(action)]
        if let output { body["output"] = output }
        if let reason { body["reason"] = .string(reason) }
        let reply = try await call(.post, "/v1/items/\(id)/decision", as: role, json: .object(body))
        #expect(reply.status == 200, "decision failed: \(reply.text)")
        return id
    }

    /// Posts an item with any input.
    @discardableResult
    func submit(_ task: String, input: JSONValue, output: JSONValue, confidence: Double, promptVersion: String? = nil) async throws -> String {
        var item: JSONObject = ["task": .string(task), "input": input, "output": output, "confidence": .double(confidence)]
        if let promptVersion { item["prompt_version"] = .string(promptVersion) }
        let reply = try await call(.post, "/v1/items", as: .ingest, json: .object(item))
        #expect(reply.status == 201, "intake failed: \(reply.text)")
        return reply.json["id"]?.stringValue ?? ""
    }

    func defineTask(_ name: String, _ body: JSONValue) async throws {
        let reply = try await call(.put, "/v1/tasks/\(name)", json: body)
        #expect(reply.status == 201 || reply.status == 200, "task definition failed: \(reply.text)")
    }

    static let invoiceSchema: JSONValue = [
        "type": "object", "required": ["vendor", "total"],
        "properties": [
            "vendor": ["type": "string", "minLength": 1],
            "total": ["type": "number", "minimum": 0],
            "due": ["type": "string", "format": "date"],
        ],
    ]
}

/// One HTTP answer as tests look at it.
struct TestReply: Sendable {
    let status: Int
    let headers: HTTPFields
    let text: String
    var json: JSONValue { (try? JSONParser.parse(text)) ?? .null }
    var isProblem: Bool { headers[.contentType] == "application/problem+json" && json["detail"]?.stringValue != nil }
}

/// Runs `body` against a fresh Loupe on its own database.
/// The request deadline is 30 s here, not 5: a hundred tests share two cores and one PostgreSQL, and a
/// 503 from a slow machine is not what these tests look for (the fault tests check the deadline on a real server).
func withLoupe(limits: BodyLimits = .init(requestDeadlineSeconds: 30), liveClock: Bool = false, configure: (inout ServeConfiguration) -> Void = { _ in },
               _ body: @escaping @Sendable (LoupeFixture) async throws -> Void) async throws {
    let watch = FixtureWatch.shared.begin(Test.current?.name ?? "?")
    defer { FixtureWatch.shared.end(watch) }
    let location = try await TestCluster.freshDatabase()
    FixtureWatch.shared.phase(watch, "building the app")
    // Four connections serve bursts of 20 requests; on a loaded CI machine a request may wait longer than the
    // production bound for one (the wait's own refusal is tested by ConnectionWaitTests against a real server).
    let store = PostgresStore(location: location, expectedMigration: TestCluster.latestMigration, maxConnections: 4,
                              connectionWait: .seconds(30), readinessTimeout: 30, logger: TestCluster.logger)
    let clock = TestClock(live: liveClock)
    var configuration = ServeConfiguration(limits: limits)
    // Quick retries and a short poll, so webhook tests see retries within a second.
    configuration.webhooks.retry.base = 0.05
    configuration.webhooks.pollInterval = .milliseconds(200)
    configuration.maxConnections = 4
    configuration.bcryptCost = 4
    // Test receivers listen on loopback, which Loupe refuses unless the operator allows it.
    configuration.security.destinations = DestinationPolicy(allowed: [CIDR("127.0.0.0/8")!, CIDR("::1/128")!])
    // Tests expire leases by calling the rescuer themselves, at a time they choose.
    configuration.leaseRescueInterval = .seconds(3600)
    // Likewise deadlines: tests advance the clock and run a pass themselves.
    configuration.deadlineInterval = .seconds(3600)
    configure(&configuration)
    let app = LoupeApplication.build(store: store, configuration: configuration, clock: clock, logger: TestCluster.logger) { name, service in
        TracedService(name: name, inner: service, watch: watch)
    }
    FixtureWatch.shared.phase(watch, "starting the app")
    let (bodyDone, bodyDoneSignal) = AsyncStream<Void>.makeStream()
    let (finished, finishedSignal) = AsyncStream<Result<Void, any Error>>.makeStream()
    let bodyError = ErrorBox()
    // Unstructured, so that a stop which never ends can be left behind: seen a few times per loaded full run, a
    // fixture's PostgresClient.run() did not return after graceful shutdown (no connection open, nothing else
    // running), and the whole run waited forever. Real servers' shutdown is checked by the process tests.
    Task {
        do {
            try await app.test(.router) { client in
                do {
                    FixtureWatch.shared.phase(watch, "creating keys")
                    var keys: [Role: String] = [:], ids: [Role: String] = [:]
                    for role in Role.allCases {
                        let created = try await store.keys.create(name: "\(role.rawValue)-key", role: role, now: clock.now())
                        keys[role] = created.key
                        ids[role] = created.id.uuidString.lowercased()
                    }
                    FixtureWatch.shared.phase(watch, "in the test body")
                    let url = try await TestCluster.databaseURL(location)
                    try await body(LoupeFixture(client: client, store: store, clock: clock, keys: keys, keyIDs: ids, databaseURL: url))
                } catch {
                    bodyError.value.withLock { $0 = error }
                    bodyDoneSignal.yield()
                    throw error
                }
                FixtureWatch.shared.phase(watch, "stopping the app")
                bodyDoneSignal.yield()
            }
            finishedSignal.yield(.success(()))
        } catch {
            finishedSignal.yield(.failure(error))
        }
        finishedSignal.finish()
    }
    // Iterating streams (unlike awaiting a task's value) ends when cancelled, so the group can return.
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { for await result in finished { try result.get(); return } }
        group.addTask {
            for await _ in bodyDone { break }
            try await Task.sleep(for: .seconds(60))
            let line = "WATCHDOG \(Test.current?.name ?? "?"): left a stop that did not end in 60 s; still running: "
                + FixtureWatch.shared.stillRunning(watch) + "\n"
            FileHandle.standardError.write(Data(line.utf8))
            if let error = bodyError.value.withLock({ $0 }) { throw error }
        }
        try await group.next()
        group.cancelAll()
    }
}

/// Re-evaluates `condition` until it holds or `timeout` passes, for state with no event to await
/// (e.g. a row another task writes after answering). Returns whether it held.
func eventually(timeout: Double = 10, _ condition: @Sendable () async throws -> Bool) async throws -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(50))
    }
    return try await condition()
}

/// Says where a fixture has been stuck for over a minute, so a run that never ends names its culprit.
final class FixtureWatch: Sendable {
    static let shared = FixtureWatch()
    private let state = Mutex<[Int: (test: String, phase: String, since: Date)]>([:])
    private let next = Mutex(0)

    private init() {
        Thread.detachNewThread { [self] in
            while true {
                Thread.sleep(forTimeInterval: 30)
                let stuck = state.withLock { $0.filter { Date().timeIntervalSince($0.value.since) > 60 } }
                // stderr: unbuffered, so it shows while the run is stalled, not only when it ends.
                for (id, s) in stuck {
                    FileHandle.standardError.write(Data(
                        "WATCHDOG \(s.test): \(s.phase) for \(Int(Date().timeIntervalSince(s.since))) s; running: \(self.stillRunning(id))\n".utf8))
                }
            }
        }
    }

    func begin(_ test: String) -> Int {
        let id = next.withLock { $0 += 1; return $0 }
        state.withLock { $0[id] = (test, "creating a database", Date()) }
        return id
    }

    func phase(_ id: Int, _ phase: String) { state.withLock { $0[id]?.phase = phase; $0[id]?.since = Date() } }
    func end(_ id: Int) { state.withLock { $0[id] = nil }; running.withLock { $0[id] = nil } }

    /// Background services of a fixture still running, named in the watchdog's line while it is stopping.
    let running = Mutex<[Int: Set<String>]>([:])
    func started(_ id: Int, _ service: String) { running.withLock { $0[id, default: []].insert(service) } }
    func stopped(_ id: Int, _ service: String) { running.withLock { _ = $0[id]?.remove(service) } }
    func stillRunning(_ id: Int) -> String { running.withLock { ($0[id] ?? []).sorted().joined(separator: ", ") } }
}

/// The error a fixture's body threw, kept for when its stop is left behind.
final class ErrorBox: Sendable {
    let value = Mutex<(any Error)?>(nil)
}

/// A fixture's background service, reported to the watchdog while it runs.
struct TracedService: Service {
    let name: String
    let inner: any Service
    let watch: Int

    func run() async throws {
        FixtureWatch.shared.started(watch, name)
        defer { FixtureWatch.shared.stopped(watch, name) }
        try await inner.run()
    }
}
