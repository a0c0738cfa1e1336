import LoupeDomain
import LoupeJSON

/// The SQL that writes one export line per decided item, for each format. Every piece is a constant;
/// the only caller-supplied text (the chat system message) is bound as `chat.prefix`.
enum ExportLines {
    /// The API's timestamp form (`2026-11-23T05:28:19.408Z`), as `Timestamp` writes it.
    static let decidedAt = #"to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#

    static func expression(_ format: ExportFormat) -> String {
        switch format {
        case .jsonl: jsonl
        case .csv: csv
        case .chat: chat
        }
    }

    /// People who reviewed the item: its consensus reviews, else one for a human decision, none for an automatic one.
    static let reviews = "(CASE WHEN review_count > 0 THEN review_count WHEN decided_by IN ('auto', 'deadline') THEN 0 ELSE 1 END)::text"

    /// A JSON string, or null.
    static func string(_ column: String) -> String { "coalesce(to_json(\(column))::text, 'null')" }

    static let jsonl = """
        '{"item_id":"' || id::text || '","task":' || to_json(task)::text
        || ',"input":' || input::text || ',"output":' || output::text || ',"final_output":' || coalesce(final_output::text, 'null')
        || ',"changes":' || coalesce(changes::text, 'null')
        || ',"action":' || to_json(decision_action)::text || ',"confidence":' || confidence::text
        || ',"prompt_version":' || \(string("prompt_version")) || ',"model":' || \(string("model"))
        || ',"reviewer":' || to_json(decided_by)::text || ',"decided_at":"' || \(decidedAt)
        || '","decided_by":' || to_json(decided_by)::text || ',"reviews":' || \(reviews) || E'}\\n'
        """

    /// RFC 4180: a cell holding a comma, quote or line break is quoted, with its quotes doubled. A cell a
    /// spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`
    /// first (OWASP CSV injection); JSONL and chat exports stay byte-exact.
    static func cell(_ value: String) -> String {
        let guarded = #"CASE WHEN left(\#(value), 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || \#(value) ELSE \#(value) END"#
        return #"CASE WHEN \#(value) ~ '[",\r\n]' THEN '"' || replace(\#(guarded), '"', '""') || '"' ELSE \#(guarded) END"#
    }

    static let csv = [
        "id::text", cell("task"), cell("input::text"), cell("output::text"), cell("coalesce(final_output::text, '')"),
        cell("coalesce(changes::text, '')"), "decision_action", "confidence::text", cell("coalesce(prompt_version, '')"), cell("coalesce(model, '')"),
        cell("decided_by"), decidedAt, cell("decided_by"), reviews,
    ].joined(separator: " || ',' || ") + #" || E'\r\n'"#

    /// A JSON string is already a valid content value; anything else is sent as its JSON text.
    static func content(_ column: String) -> String {
        "CASE WHEN jsonb_typeof(\(column)) = 'string' THEN \(column)::text ELSE to_json(\(column)::text)::text END"
    }

    /// Rejected items have no correct answer to teach, so the query leaves them out of chat exports.
    static let chat = """
        chat.prefix || \(content("input")) || '},{"role":"assistant","content":' || \(content("final_output")) || E'}]}\\n'
        """

    /// Everything before the user's content: the system message (the task's instructions) when there is one.
    static func chatPrefix(_ instructions: String) -> String {
        var prefix = #"{"messages":["#
        if !instructions.isEmpty { prefix += #"{"role":"system","content":"# + JSONWriter.string(.string(instructions)) + "}," }
        return prefix + #"{"role":"user","content":"#
    }
}
