import Foundation
import LoupeJSON

/// Row encodings: JSONL, CSV (RFC 4180) and OpenAI chat fine-tuning lines.
public enum ExportEncoder {
    public static let columns = ["item_id", "task", "input", "output", "final_output", "action", "confidence", "prompt_version",
                                 "model", "reviewer", "decided_at"]
    public static let csvHeader: [UInt8] = Array((columns.joined(separator: ",") + "\r\n").utf8)

    public static func encode(_ row: ExportRow, format: ExportFormat, instructions: String, into out: inout [UInt8]) {
        switch format {
        case .jsonl: jsonl(row, into: &out)
        case .csv: csv(row, into: &out)
        case .chat: chat(row, instructions: instructions, into: &out)
        }
    }

    /// `"name":` as bytes, made once: the JSONL encoder runs per row, a million times per export.
    private static let keys: [String: [UInt8]] = Dictionary(uniqueKeysWithValues: columns.map { ($0, Array("\"\($0)\":".utf8)) })
    private static let null = Array("null".utf8)

    static func jsonl(_ row: ExportRow, into out: inout [UInt8]) {
        func key(_ k: String, first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(contentsOf: keys[k]!)
        }
        func text(_ s: String?) { if let s { JSONWriter.writeString(s, into: &out) } else { out.append(contentsOf: null) } }
        out.append(UInt8(ascii: "{"))
        key("item_id", first: true); out.append(UInt8(ascii: "\"")); appendUUID(row.itemID, to: &out); out.append(UInt8(ascii: "\""))
        key("task"); text(row.task)
        key("input"); out.append(contentsOf: row.input.utf8)
        key("output"); out.append(contentsOf: row.output.utf8)
        key("final_output"); if let f = row.finalOutput { out.append(contentsOf: f.utf8) } else { out.append(contentsOf: null) }
        key("action"); text(row.action)
        key("confidence"); out.append(contentsOf: JSONNumber(row.confidence).literal.utf8)
        key("prompt_version"); text(row.promptVersion)
        key("model"); text(row.model)
        key("reviewer"); text(row.reviewer)
        key("decided_at"); out.append(UInt8(ascii: "\"")); Timestamp.append(row.decidedAt, to: &out); out.append(UInt8(ascii: "\""))
        out.append(contentsOf: [UInt8(ascii: "}"), UInt8(ascii: "\n")])
    }

    private static let hex: [UInt8] = Array("0123456789abcdef".utf8)

    /// Lower-case 8-4-4-4-12 without building a String.
    static func appendUUID(_ id: UUID, to out: inout [UInt8]) {
        withUnsafeBytes(of: id.uuid) { raw in
            for (index, byte) in raw.enumerated() {
                if index == 4 || index == 6 || index == 8 || index == 10 { out.append(UInt8(ascii: "-")) }
                out.append(hex[Int(byte >> 4)])
                out.append(hex[Int(byte & 0x0F)])
            }
        }
    }

    static func csv(_ row: ExportRow, into out: inout [UInt8]) {
        let cells = [row.itemID.uuidString.lowercased(), row.task, row.input, row.output, row.finalOutput ?? "", row.action,
                     JSONNumber(row.confidence).literal, row.promptVersion ?? "", row.model ?? "", row.reviewer,
                     Timestamp.string(row.decidedAt)]
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(UInt8(ascii: ",")) }
            // RFC 4180: quote cells holding a comma, quote or line break; double the quotes inside.
            if cell.utf8.contains(where: { $0 == UInt8(ascii: ",") || $0 == UInt8(ascii: "\"") || $0 == 0x0A || $0 == 0x0D }) {
                out.append(UInt8(ascii: "\""))
                for b in cell.utf8 {
                    if b == UInt8(ascii: "\"") { out.append(b) }
                    out.append(b)
                }
                out.append(UInt8(ascii: "\""))
            } else {
                out.append(contentsOf: cell.utf8)
            }
        }
        out.append(contentsOf: [0x0D, 0x0A])
    }

    /// Rejected items have no correct answer to teach, so chat export skips them.
    static func chat(_ row: ExportRow, instructions: String, into out: inout [UInt8]) {
        guard let final = row.finalOutput else { return }
        func content(_ rawJSON: String) {
            // A JSON string is already a valid content value; anything else is sent as its JSON text.
            if rawJSON.hasPrefix("\"") { out.append(contentsOf: rawJSON.utf8) } else { JSONWriter.writeString(rawJSON, into: &out) }
        }
        out.append(contentsOf: Array(#"{"messages":["#.utf8))
        if !instructions.isEmpty {
            out.append(contentsOf: Array(#"{"role":"system","content":"#.utf8))
            JSONWriter.writeString(instructions, into: &out)
            out.append(contentsOf: Array("},".utf8))
        }
        out.append(contentsOf: Array(#"{"role":"user","content":"#.utf8))
        content(row.input)
        out.append(contentsOf: Array(#"},{"role":"assistant","content":"#.utf8))
        content(final)
        out.append(contentsOf: Array("}]}\n".utf8))
    }
}
