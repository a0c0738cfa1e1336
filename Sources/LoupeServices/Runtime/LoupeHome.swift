import Foundation

/// Finds the directory holding `migrations/` and `web-static/`: `LOUPE_HOME`, else the checkout the
/// executable was built in, else the working directory.
public enum LoupeHome {
    public static func locate() -> String {
        let fm = FileManager.default
        func isHome(_ dir: String) -> Bool { fm.fileExists(atPath: dir + "/migrations/0001_foundation.sql") }
        if let env = ProcessInfo.processInfo.environment["LOUPE_HOME"] { return env }
        var dir = URL(fileURLWithPath: CommandLine.arguments.first ?? ".").resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<6 {
            if isHome(dir.path) { return dir.path }
            dir.deleteLastPathComponent()
        }
        return fm.currentDirectoryPath
    }

    public static func migrations(_ home: String) -> String { home + "/migrations" }
    public static func webStatic(_ home: String) -> String { home + "/web-static" }
}
