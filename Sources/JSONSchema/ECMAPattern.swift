/// Rewrites ECMA-262 syntax that PCRE2 10.42 spells differently: Unicode property escapes by long name
/// (`\p{Letter}`, `\p{General_Category=Letter}`, `\p{Script=Greek}`) become the short names PCRE2 knows.
enum ECMAPattern {
    static let categories: [String: String] = [
        "Letter": "L", "Cased_Letter": "L&", "Uppercase_Letter": "Lu", "Lowercase_Letter": "Ll", "Titlecase_Letter": "Lt",
        "Modifier_Letter": "Lm", "Other_Letter": "Lo", "Mark": "M", "Nonspacing_Mark": "Mn", "Spacing_Mark": "Mc",
        "Enclosing_Mark": "Me", "Number": "N", "Decimal_Number": "Nd", "digit": "Nd", "Letter_Number": "Nl",
        "Other_Number": "No", "Punctuation": "P", "punct": "P", "Connector_Punctuation": "Pc", "Dash_Punctuation": "Pd",
        "Open_Punctuation": "Ps", "Close_Punctuation": "Pe", "Initial_Punctuation": "Pi", "Final_Punctuation": "Pf",
        "Other_Punctuation": "Po", "Symbol": "S", "Math_Symbol": "Sm", "Currency_Symbol": "Sc", "Modifier_Symbol": "Sk",
        "Other_Symbol": "So", "Separator": "Z", "Space_Separator": "Zs", "Line_Separator": "Zl",
        "Paragraph_Separator": "Zp", "Other": "C", "Control": "Cc", "cntrl": "Cc", "Format": "Cf", "Surrogate": "Cs",
        "Private_Use": "Co", "Unassigned": "Cn",
    ]

    static func translate(_ pattern: String) -> String {
        guard pattern.contains("\\p{") || pattern.contains("\\P{") else { return pattern }
        var out = ""
        var rest = Substring(pattern)
        while let slash = rest.firstIndex(of: "\\") {
            out += rest[..<slash]
            let after = rest.index(after: slash)
            guard after < rest.endIndex else { out += "\\"; rest = rest[after...]; break }
            let kind = rest[after]
            let brace = rest.index(after: after)
            if kind == "p" || kind == "P", brace < rest.endIndex, rest[brace] == "{",
               let close = rest[brace...].firstIndex(of: "}") {
                let name = rest[rest.index(after: brace)..<close]
                out += "\\\(kind){\(shortName(String(name)))}"
                rest = rest[rest.index(after: close)...]
            } else {
                // Any other escape pair is copied whole, so `\\p{…}` (a literal backslash) is left alone.
                out += rest[slash...after]
                rest = rest[rest.index(after: after)...]
            }
        }
        return out + rest
    }

    static func shortName(_ name: String) -> String {
        let parts = name.split(separator: "=", maxSplits: 1).map(String.init)
        if parts.count == 2 {
            switch parts[0] {
            case "General_Category", "gc": return categories[parts[1]] ?? parts[1]
            case "Script", "sc", "Script_Extensions", "scx": return parts[1]
            default: return name
            }
        }
        return categories[name] ?? name
    }
}
