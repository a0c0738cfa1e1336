/// Checks for the `format` values extraction schemas rely on; nil for formats we do not know.
enum Formats {
    static func check(_ format: String, _ s: String) -> Bool? {
        switch format {
        case "date": isDate(Substring(s))
        case "time": isTime(Substring(s))
        case "date-time": isDateTime(s)
        case "email": isEmail(s)
        case "uuid": isUUID(s)
        case "uri": isURI(s)
        case "uri-reference": !s.contains(where: { $0 == " " || $0 == "\\" })
        case "ipv4": isIPv4(Substring(s))
        case "ipv6": isIPv6(s)
        case "hostname": isHostname(s)
        case "regex": RegexCache.isValidPattern(s)
        default: nil
        }
    }

    private static func digits(_ s: Substring, _ count: Int) -> Int? {
        guard s.count == count, s.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return Int(s)
    }

    static func isDate(_ s: Substring) -> Bool {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, let y = digits(parts[0], 4), let m = digits(parts[1], 2), let d = digits(parts[2], 2),
              (1...12).contains(m), d >= 1 else { return false }
        let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0
        let days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][m - 1]
        return d <= days
    }

    static func isTime(_ s: Substring) -> Bool {
        // full-time = HH:MM:SS[.frac](Z|±HH:MM); a leap second must be 23:59:60 in UTC.
        let upper = s.uppercased()
        var body = Substring(upper)
        var offsetMinutes = 0
        if body.hasSuffix("Z") {
            body = body.dropLast()
        } else {
            guard let sign = body.lastIndex(where: { $0 == "+" || $0 == "-" }) else { return false }
            let offset = body[body.index(after: sign)...].split(separator: ":", omittingEmptySubsequences: false)
            guard offset.count == 2, let oh = digits(offset[0], 2), let om = digits(offset[1], 2), oh <= 23, om <= 59 else { return false }
            offsetMinutes = (oh * 60 + om) * (body[sign] == "+" ? 1 : -1)
            body = body[..<sign]
        }
        let hms = body.split(separator: ":", omittingEmptySubsequences: false)
        guard hms.count == 3, let h = digits(hms[0], 2), let m = digits(hms[1], 2) else { return false }
        var secondPart = hms[2]
        if let dot = secondPart.firstIndex(of: ".") {
            let frac = secondPart[secondPart.index(after: dot)...]
            guard !frac.isEmpty, frac.allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
            secondPart = secondPart[..<dot]
        }
        guard let sec = digits(secondPart, 2), h <= 23, m <= 59, sec <= 60 else { return false }
        if sec == 60 {
            let utc = ((h * 60 + m - offsetMinutes) % 1440 + 1440) % 1440
            return utc == 23 * 60 + 59
        }
        return true
    }

    static func isDateTime(_ s: String) -> Bool {
        guard let t = s.firstIndex(where: { $0 == "T" || $0 == "t" }) else { return false }
        return isDate(s[..<t]) && isTime(s[s.index(after: t)...])
    }

    static func isEmail(_ s: String) -> Bool {
        guard let at = s.lastIndex(of: "@") else { return false }
        let local = s[..<at], domain = s[s.index(after: at)...]
        guard !local.isEmpty, !domain.isEmpty, !local.hasPrefix("."), !local.hasSuffix("."), !local.contains("..") else { return false }
        if !local.hasPrefix("\"") && local.contains(where: { " ()<>[]:;@\\,\"".contains($0) }) { return false }
        if domain.hasPrefix("[") && domain.hasSuffix("]") {
            let literal = domain.dropFirst().dropLast()
            if literal.hasPrefix("IPv6:") { return isIPv6(String(literal.dropFirst(5))) }
            return isIPv4(literal)
        }
        return isHostname(String(domain))
    }

    static func isUUID(_ s: String) -> Bool {
        let groups = s.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) }
    }

    static func isURI(_ s: String) -> Bool {
        guard let colon = s.firstIndex(of: ":") else { return false }
        let scheme = s[..<colon]
        guard let first = scheme.first, first.isASCII, first.isLetter,
              scheme.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || "+-.".contains($0)) }) else { return false }
        let rest = s[s.index(after: colon)...]
        let allowed = "-._~:/?#[]@!$&'()*+,;=%"
        guard rest.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || allowed.contains($0)) }) else { return false }
        if rest.hasPrefix("//") {
            let authority = rest.dropFirst(2).prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            if authority.contains("[") || authority.contains("]") {
                guard authority.hasPrefix("[") || authority.contains("@[") else { return false }
            }
        }
        return true
    }

    static func isIPv4(_ s: Substring) -> Bool {
        let parts = s.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return false }
        return parts.allSatisfy { p in
            guard (1...3).contains(p.count), p.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(p), v <= 255 else { return false }
            return p.count == 1 || p.first != "0"
        }
    }

    static func isIPv6(_ s: String) -> Bool {
        guard !s.isEmpty, s.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else { return false }
        var body = Substring(s)
        var groupsNeeded = 8
        if let lastColon = body.lastIndex(of: ":"), body[body.index(after: lastColon)...].contains(".") {
            guard isIPv4(body[body.index(after: lastColon)...]) else { return false }
            body = body[...lastColon]
            if body.hasSuffix(":") && !body.hasSuffix("::") { body = body.dropLast() }
            groupsNeeded = 6
        }
        let halves = body.components(separatedBy: "::")
        guard halves.count <= 2 else { return false }
        let groups = halves.map { $0.isEmpty ? [] : $0.split(separator: ":", omittingEmptySubsequences: false) }
        let all = groups.flatMap { $0 }
        guard all.allSatisfy({ (1...4).contains($0.count) }) else { return false }
        return halves.count == 2 ? all.count < groupsNeeded : all.count == groupsNeeded
    }

    static func isHostname(_ s: String) -> Bool {
        guard !s.isEmpty, s.utf8.count <= 253 else { return false }
        let labels = s.hasSuffix(".") ? s.dropLast().split(separator: ".", omittingEmptySubsequences: false)
                                      : s.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { l in
            (1...63).contains(l.count) && l.first != "-" && l.last != "-"
                && l.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }
}

private extension Substring {
    func components(separatedBy separator: String) -> [Substring] {
        var result: [Substring] = []
        var rest = self
        while let range = rest.firstRange(of: separator) {
            result.append(rest[..<range.lowerBound])
            rest = rest[range.upperBound...]
        }
        result.append(rest)
        return result
    }
}
