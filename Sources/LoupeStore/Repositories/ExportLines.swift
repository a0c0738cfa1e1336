import LoupeDomain
import LoupeJSON

/// The SQL that writes one export line per decided item, for each format: the page's columns, each computed once, and
/// the line written from them. Every piece is a constant; the only caller-supplied text (the chat system message) is
/// bound as `$10`.
///
/// Two levels because a line names a column several times (a CSV cell tests, guards and quotes its value): over the
/// table's own columns each mention cast the jsonb to text again, up to six times per column in CSV. The page
/// subquery's LIMIT keeps PostgreSQL from folding its columns into the line.
enum ExportLines {
    /// The API's timestamp form (`2026-11-23T05:28:19.408Z`), as `Timestamp` writes it.
    static let decidedAt = #"to_char(decided_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')"#

    /// People who reviewed the item: its consensus reviews, else one for a human decision, none for an automatic one.
    static let reviews = "(CASE WHEN review_count > 0 THEN review_count WHEN decided_by IN ('auto', 'deadline') THEN 0 ELSE 1 END)::text"

    /// The page subquery's columns besides `id`, from `items`.
    static func columns(_ format: ExportFormat) -> String {
        switch format {
        case .jsonl, .csv:
            """
            task, input::text AS input, output::text AS output, final_output::text AS final_output, changes::text AS changes,
            decision_action AS action, confidence::text AS confidence, prompt_version, model, decided_by,
            \(decidedAt) AS decided_at, \(reviews) AS reviews
            """
        case .chat:
            "\(content("input")) AS asked, \(content("final_output")) AS answer"
        }
    }

    /// One line from the page subquery's columns.
    static func line(_ format: ExportFormat) -> String {
        switch format {
        case .jsonl: jsonl
        case .csv: csv
        case .chat: chat
        }
    }

    /// A JSON string, or null.
    static func string(_ column: String) -> String { "coalesce(to_json(\(column))::text, 'null')" }

    /// Task names (`^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$`, checked by `tasks`) and actions (`approve`, `correct`, `reject`)
    /// need no escaping, so they are quoted as they are; `to_json` categorised its argument's type on every call.
    static let jsonl = """
        '{"item_id":"' || id::text || '","task":"' || task
        || '","input":' || input || ',"output":' || output || ',"final_output":' || coalesce(final_output, 'null')
        || ',"changes":' || coalesce(changes, 'null')
        || ',"action":"' || action || '","confidence":' || confidence
        || ',"prompt_version":' || \(string("prompt_version")) || ',"model":' || \(string("model"))
        || ',"reviewer":' || to_json(decided_by)::text || ',"decided_at":"' || decided_at
        || '","decided_by":' || to_json(decided_by)::text || ',"reviews":' || reviews || E'}\\n'
        """

    /// RFC 4180: a cell holding a comma, quote or line break is quoted, with its quotes doubled. A cell a
    /// spreadsheet would run as a formula (first character `=`, `+`, `-`, `@`, tab or CR) gets a leading `'`
    /// first (OWASP CSV injection); JSONL and chat exports stay byte-exact.
    static func cell(_ value: String) -> String {
        let guarded = #"CASE WHEN left(\#(value), 1) IN ('=', '+', '-', '@', E'\t', E'\r') THEN '''' || \#(value) ELSE \#(value) END"#
        return #"CASE WHEN \#(value) ~ '[",\r\n]' THEN '"' || replace(\#(guarded), '"', '""') || '"' ELSE \#(guarded) END"#
    }

    static let csv = [
        "id::text", cell("task"), cell("input"), cell("output"), cell("coalesce(final_output, '')"),
        cell("coalesce(changes, '')"), "action", "confidence", cell("coalesce(prompt_version, '')"), cell("coalesce(model, '')"),
        cell("decided_by"), "decided_at", cell("decided_by"), "reviews",
    ].joined(separator: " || ',' || ") + #" || E'\r\n'"#

    /// A JSON string is already a valid content value; anything else is sent as its JSON text.
    static func content(_ column: String) -> String {
        "CASE WHEN jsonb_typeof(\(column)) = 'string' THEN \(column)::text ELSE to_json(\(column)::text)::text END"
    }

    /// Rejected items have no correct answer to teach, so the query leaves them out of chat exports.
    static let chat = #"$10 || asked || '},{"role":"assistant","content":' || answer || E'}]}\n'"#

    /// Everything before the user's content: the system message (the task's instructions) when there is one.
    static func chatPrefix(_ instructions: String) -> String {
        var prefix = #"{"messages":["#
        if !instructions.isEmpty { prefix += #"{"role":"system","content":"# + JSONWriter.string(.string(instructions)) + "}," }
        return prefix + #"{"role":"user","content":"#
    }
}
