import Foundation
import LoupeJSON
import Testing

/// Issue 15, long text: a support-reply draft is edited in an auto-growing textarea, with its markdown rendered
/// beside it safely (HTML in the model's text stays text), and the correction keeps every character.
@Suite(.serialized) struct LongTextBrowserTests {
    static let reply = """
        Dear **Anna**,

        thank you for writing. Your refund of *240 EUR* for order `A-1042` is on its way:
        - it reaches your card in 3–5 days
        - the receipt is at [your account](https://shop.example.com/orders/A-1042)

        <script>window.__xss=1</script><img src=x onerror="window.__xss=2"> [bad](javascript:window.__xss=3)
        """ + String(repeating: " Kind regards from the support team.", count: 60)

    @Test func aLongReplyIsEditedInATextareaBesideItsRenderedMarkdown() async throws {
        try await WebDriver.with(scenario)
    }

    func scenario(_ browser: WebDriver) async throws {
        let site = try await BrowserSite.start(users: [("rita@example.com", "reviewer")])
        let server = site.server
        defer { server.process.terminate() }
        let api = { (method: String, path: String, body: JSONValue?) in try await site.api(method, path, body) }
        _ = try await api("PUT", "/v1/tasks/replies", ["output_schema": [
            "type": "object", "required": ["subject", "body"],
            "properties": ["subject": ["type": "string", "maxLength": 120],
                           "body": ["type": "string", "maxLength": 5000, "contentMediaType": "text/markdown"]],
        ]])
        let id = try await api("POST", "/v1/items", ["task": "replies", "input": "Where is my refund for A-1042?",
                                                     "output": ["subject": "Your refund", "body": .string(Self.reply)],
                                                     "confidence": 0.4]).1["id"]?.stringValue ?? ""

        try await site.signIn(browser, as: "rita@example.com")
        try await browser.waitUntil("document.getElementById('start-review')")
        try await browser.click("#start-review")
        try await browser.waitUntil("document.getElementById('review')?.dataset.itemId === '\(id)'")

        // The body is a textarea holding all of it, tall enough to read; the subject stays a one-line input.
        #expect(try await browser.script("return document.querySelector('[data-pointer=\"/body\"]').tagName") == "TEXTAREA")
        #expect(try await browser.script("return document.querySelector('[data-pointer=\"/subject\"]').tagName") == "INPUT")
        #expect(try await browser.script("return document.querySelector('[data-pointer=\"/body\"]').value.length") == .int(Self.reply.count))
        try await browser.waitUntil("document.querySelector('[data-pointer=\"/body\"]').offsetHeight > 200")
        // Rendered beside it: emphasis, code, a list and an https link; no HTML from the model, no javascript: link.
        let preview = "document.querySelector('[data-preview-for=\"/body\"]')"
        #expect(try await browser.script("return \(preview).querySelector('strong').textContent") == "Anna")
        #expect(try await browser.script("return \(preview).querySelectorAll('li').length") == 2)
        #expect(try await browser.script("return \(preview).querySelector('code').textContent") == "A-1042")
        #expect(try await browser.script("return \(preview).querySelector('a').href") == "https://shop.example.com/orders/A-1042")
        #expect(try await browser.script("return \(preview).querySelectorAll('script, img').length + \(preview).querySelectorAll('a[href^=\"javascript\"]').length") == 0)
        #expect(try await browser.script("return \(preview).textContent.includes('<script>window.__xss=1</script>')") == true)
        #expect(try await browser.script("return window.__xss === undefined") == true)

        // Edit at the end of the text and submit: the correction is the whole text with the edit.
        try await browser.press("e")
        try await browser.waitUntil("document.activeElement && document.activeElement.tagName !== 'BODY'")
        _ = try await browser.script("const a = document.querySelector('[data-pointer=\"/body\"]'); a.focus(); a.setSelectionRange(a.value.length, a.value.length); return true")
        try await browser.type("[data-pointer=\"/body\"]", " PS: **thanks**", clear: false)
        try await browser.waitUntil("\(preview).querySelectorAll('strong').length === 2")
        // The changes table shows the edit word by word: nothing removed, the added words marked, the rest as it was.
        try await browser.waitUntil("document.querySelector('table.diff td.after ins')")
        #expect(try await browser.script("return [...document.querySelectorAll('table.diff td.after ins')].map((e) => e.textContent).join('')") == " PS: **thanks**")
        #expect(try await browser.script("return document.querySelectorAll('table.diff td.before del').length") == 0)
        #expect(try await browser.script("return document.documentElement.scrollWidth <= document.documentElement.clientWidth") == true,
                "long values wrap instead of widening the page")
        try await browser.screenshot(to: ReviewerBrowserTests.screenshots + "/long-reply.png")
        try await browser.press("\u{E007}", modifier: "\u{E009}")
        try await browser.waitUntil("document.getElementById('empty-queue')")
        let item = try await api("GET", "/v1/items/\(id)", nil).1
        #expect(item["final_output"]?["body"]?.stringValue == Self.reply + " PS: **thanks**")
        #expect(item["final_output"]?["subject"] == "Your refund")
    }
}
