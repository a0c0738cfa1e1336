import AsyncHTTPClient
import Foundation
import LoupeJSON
import NIOCore
import NIOHTTP1
#if canImport(Glibc)
import Glibc
#endif

/// A minimal W3C WebDriver client for Debian's chromedriver driving headless Chromium.
final class WebDriver: @unchecked Sendable {
    static let elementKey = "element-6066-11e4-a52e-4f735466cecf"
    let driver = Process()
    private let logPath = NSTemporaryDirectory() + "chromedriver-\(UUID().uuidString.prefix(8)).log"
    private(set) var base = ""
    private(set) var session = ""

    /// nil when chromium or chromedriver is not installed (the test then says so).
    static func start() async throws -> WebDriver? {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver"),
              FileManager.default.isExecutableFile(atPath: "/usr/bin/chromium") else { return nil }
        let webDriver = WebDriver()
        try await webDriver.open()
        return webDriver
    }

    /// Runs `body` with a browser, always quitting it after; says so and skips when Chromium is not installed.
    static func with(_ body: (WebDriver) async throws -> Void) async throws {
        guard let browser = try await start() else {
            print("chromium/chromedriver not installed; skipping browser tests (.ci/install-deps installs them)")
            return
        }
        do {
            try await body(browser)
        } catch {
            await browser.quit()
            throw error
        }
        await browser.quit()
    }

    /// Port 0: chromedriver picks a free port and prints it, so it never collides with another listener.
    private init() {
        driver.executableURL = URL(fileURLWithPath: "/usr/bin/chromedriver")
        driver.arguments = ["--port=0"]
        FileManager.default.createFile(atPath: logPath, contents: nil)
        driver.standardOutput = FileHandle(forWritingAtPath: logPath)
        driver.standardError = FileHandle.nullDevice
    }

    private func open() async throws {
        try driver.run()
        let marker = "started successfully on port "
        for _ in 0..<200 where base.isEmpty {
            let log = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            if let range = log.range(of: marker), let port = Int(log[range.upperBound...].prefix { $0.isNumber }) {
                base = "http://127.0.0.1:\(port)"
            } else {
                try await Task.sleep(for: .milliseconds(25))
            }
        }
        guard !base.isEmpty else { throw HarnessError(message: "chromedriver did not say which port it listens on") }
        for _ in 0..<100 {
            if (try? await command("GET", "/status"))?["ready"] == true { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let capabilities: JSONValue = ["capabilities": ["alwaysMatch": ["browserName": "chrome", "goog:chromeOptions": [
            "binary": "/usr/bin/chromium",
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,800"],
        ]]]]
        let created = try await command("POST", "/session", capabilities)
        session = created["sessionId"]?.stringValue ?? ""
        _ = try await command("POST", "/session/\(session)/timeouts", ["implicit": 5000])
    }

    /// Ends the browser session and chromedriver; the test must await this, or chromedriver outlives it.
    func quit() async {
        _ = try? await command("DELETE", "/session/\(session)")
        // chromedriver ignores SIGTERM; the browser is already gone with the session.
        kill(driver.processIdentifier, SIGKILL)
        driver.waitUntilExit()
        try? FileManager.default.removeItem(atPath: logPath)
    }

    @discardableResult
    func command(_ method: String, _ path: String, _ body: JSONValue? = nil) async throws -> JSONValue {
        // AsyncHTTPClient, not URLSession: chromedriver writes "Name:value" headers, which URLSession rejects.
        var request = HTTPClientRequest(url: base + path)
        request.method = HTTPMethod(rawValue: method)
        if let body {
            request.body = .bytes(ByteBuffer(bytes: JSONWriter.bytes(body)))
            request.headers.add(name: "Content-Type", value: "application/json")
        }
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(60))
        let data = try await response.body.collect(upTo: 64 << 20)
        let value = (try? JSONParser.parse(Array(data.readableBytesView), options: .init(maxDepth: 512, rejectNul: false)))?["value"] ?? .null
        if let error = value["error"]?.stringValue {
            throw HarnessError(message: "\(error): \(value["message"]?.stringValue ?? "")")
        }
        return value
    }

    func go(_ url: String) async throws { try await command("POST", "/session/\(session)/url", ["url": .string(url)]) }

    /// Waits (implicitly, up to 5 s) for the element.
    func find(_ css: String) async throws -> String {
        try await command("POST", "/session/\(session)/element", ["using": "css selector", "value": .string(css)])[Self.elementKey]?.stringValue ?? ""
    }

    func click(_ css: String) async throws { try await command("POST", "/session/\(session)/element/\(try await find(css))/click", [:]) }

    func type(_ css: String, _ text: String, clear: Bool = true) async throws {
        let element = try await find(css)
        if clear { try await command("POST", "/session/\(session)/element/\(element)/clear", [:]) }
        try await command("POST", "/session/\(session)/element/\(element)/value", ["text": .string(text)])
    }

    func text(_ css: String) async throws -> String {
        try await command("GET", "/session/\(session)/element/\(try await find(css))/text").stringValue ?? ""
    }

    /// Key presses sent to whatever has focus, like a person typing. `modifier` is e.g. Control.
    func press(_ key: String, modifier: String? = nil) async throws {
        var actions: [JSONValue] = []
        if let modifier { actions.append(["type": "keyDown", "value": .string(modifier)]) }
        actions += [["type": "keyDown", "value": .string(key)], ["type": "keyUp", "value": .string(key)]]
        if let modifier { actions.append(["type": "keyUp", "value": .string(modifier)]) }
        try await command("POST", "/session/\(session)/actions", ["actions": [["type": "key", "id": "keyboard", "actions": .array(actions)]]])
        try await command("DELETE", "/session/\(session)/actions")
    }

    func script(_ source: String) async throws -> JSONValue {
        try await command("POST", "/session/\(session)/execute/sync", ["script": .string(source), "args": []])
    }

    /// Polls the page until `condition` (a JS expression) is true; WebDriver has no event to await for this.
    func waitUntil(_ condition: String, timeout: Double = 10) async throws {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if try await script("return Boolean(\(condition));") == true { return }
            try await Task.sleep(for: .milliseconds(50))
        }
        // What the page showed instead, so a timeout says more than that it happened.
        let page = try? await script("return location.hash + ' | ' + (document.getElementById('flash')?.textContent ?? '') + ' | ' + (document.getElementById('main')?.innerText ?? '').slice(0, 300);")
        throw HarnessError(message: "timed out waiting for \(condition); the page: \(page?.stringValue ?? "?")")
    }

    func screenshot(to path: String) async throws {
        let base64 = try await command("GET", "/session/\(session)/screenshot").stringValue ?? ""
        try Data(base64Encoded: base64)?.write(to: URL(fileURLWithPath: path))
    }

    static let control = "\u{E009}"
    static let enter = "\u{E007}"
}

/// A part of the test harness (browser, receiver, server process) failed.
struct HarnessError: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}
