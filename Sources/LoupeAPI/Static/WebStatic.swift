/// Where the server finds the web UI's files.
public enum WebStatic: Sendable, Equatable {
    /// The copy built into the binary: the normal case, so `loupe` runs from any directory.
    case embedded
    /// A directory read on every request (`--web-static web-static` while working on the UI).
    case directory(String)
    /// No UI (API-only tests).
    case none
}
