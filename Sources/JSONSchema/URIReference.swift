/// Minimal RFC 3986 reference resolution, enough for `$id`, `$ref` and `$dynamicRef`.
enum URIReference {
    /// Splits "base#fragment"; the fragment is nil when there is no '#'.
    static func split(_ uri: String) -> (base: String, fragment: String?) {
        guard let hash = uri.firstIndex(of: "#") else { return (uri, nil) }
        return (String(uri[..<hash]), String(uri[uri.index(after: hash)...]))
    }

    static func stripEmptyFragment(_ uri: String) -> String {
        uri.hasSuffix("#") ? String(uri.dropLast()) : uri
    }

    private static func scheme(of uri: String) -> String? {
        guard let colon = uri.firstIndex(of: ":") else { return nil }
        let candidate = uri[..<colon]
        guard let first = candidate.first, first.isLetter,
              candidate.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == "." })
        else { return nil }
        return String(candidate)
    }

    static func resolve(_ reference: String, against base: String) -> String {
        if scheme(of: reference) != nil { return removeDotSegments(inURI: reference) }
        let baseNoFragment = split(base).base
        if reference.isEmpty { return baseNoFragment }
        if reference.hasPrefix("#") { return baseNoFragment + reference }
        guard let scheme = scheme(of: baseNoFragment) else { return reference }
        let afterScheme = baseNoFragment.dropFirst(scheme.count + 1)
        var authority = ""
        var path = Substring(afterScheme)
        if afterScheme.hasPrefix("//") {
            let rest = afterScheme.dropFirst(2)
            let end = rest.firstIndex(where: { $0 == "/" || $0 == "?" }) ?? rest.endIndex
            authority = "//" + rest[..<end]
            path = rest[end...]
        }
        if let q = path.firstIndex(of: "?") { path = path[..<q] }
        if reference.hasPrefix("//") { return scheme + ":" + reference }
        if reference.hasPrefix("/") { return scheme + ":" + authority + removeDotSegments(reference) }
        if reference.hasPrefix("?") { return scheme + ":" + authority + path + reference }
        let merged: String
        if !authority.isEmpty && path.isEmpty {
            merged = "/" + reference
        } else if let slash = path.lastIndex(of: "/") {
            merged = String(path[...slash]) + reference
        } else {
            merged = reference
        }
        return scheme + ":" + authority + removeDotSegments(merged)
    }

    private static func removeDotSegments(inURI uri: String) -> String {
        guard let scheme = scheme(of: uri) else { return uri }
        let rest = uri.dropFirst(scheme.count + 1)
        guard rest.hasPrefix("//") else { return uri }
        let afterSlashes = rest.dropFirst(2)
        let end = afterSlashes.firstIndex(of: "/") ?? afterSlashes.endIndex
        return scheme + "://" + afterSlashes[..<end] + removeDotSegments(String(afterSlashes[end...]))
    }

    private static func removeDotSegments(_ path: String) -> String {
        guard path.contains("./") || path.hasSuffix("/.") || path.hasSuffix("/..") else { return path }
        var suffix = ""
        var body = Substring(path)
        if let cut = body.firstIndex(where: { $0 == "?" || $0 == "#" }) {
            suffix = String(body[cut...])
            body = body[..<cut]
        }
        var output: [Substring] = []
        let segments = body.split(separator: "/", omittingEmptySubsequences: false)
        for (i, segment) in segments.enumerated() {
            if segment == "." {
                if i == segments.count - 1 { output.append("") }
            } else if segment == ".." {
                if output.count > 1 { output.removeLast() }
                if i == segments.count - 1 { output.append("") }
            } else {
                output.append(segment)
            }
        }
        return output.joined(separator: "/") + suffix
    }
}
