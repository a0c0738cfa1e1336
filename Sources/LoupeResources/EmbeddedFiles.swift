import Foundation

/// The files `loupe` carries inside itself: `migrations/*.sql` and `web-static/`, keyed by their path in the
/// checkout (`migrations/0001_foundation.sql`, `web-static/js/app.js`). Generated at build time by EmbedResources.
public enum EmbeddedFiles {
    /// Every embedded file, decoded once.
    public static let all: [String: [UInt8]] = {
        var files: [String: [UInt8]] = [:]
        for (name, base64) in encoded { files[name] = Data(base64Encoded: base64).map(Array.init) ?? [] }
        return files
    }()

    /// The files under `folder/`, keyed by their path inside it.
    public static func folder(_ folder: String) -> [String: [UInt8]] {
        var found: [String: [UInt8]] = [:]
        for (name, bytes) in all where name.hasPrefix(folder + "/") { found[String(name.dropFirst(folder.count + 1))] = bytes }
        return found
    }
}
