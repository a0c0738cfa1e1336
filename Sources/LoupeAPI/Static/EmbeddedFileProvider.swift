import Foundation
import Hummingbird
import LoupeResources

/// Serves `web-static/` from the copy built into the binary, through Hummingbird's `FileMiddleware` (which
/// adds ETags, ranges and content types exactly as it does for files on disk).
struct EmbeddedFileProvider: FileProvider {
    /// One embedded file, or a folder (a path some file lies under).
    struct Entry: FileMiddlewareFileAttributes, Sendable {
        let bytes: ByteBuffer
        let isFolder: Bool
        var size: Int { bytes.readableBytes }
        /// Fixed: the files change only with the binary, and a fixed date keeps ETags equal across instances.
        var modificationDate: Date { Date(timeIntervalSince1970: 1_700_000_000) }
    }

    let entries: [String: Entry]

    static let webStatic = EmbeddedFileProvider(files: EmbeddedFiles.folder("web-static"))

    init(files: [String: [UInt8]]) {
        var entries: [String: Entry] = ["/": Entry(bytes: ByteBuffer(), isFolder: true)]
        for (path, bytes) in files {
            entries["/" + path] = Entry(bytes: ByteBuffer(bytes: bytes), isFolder: false)
            var folder = path.split(separator: "/").dropLast()
            while !folder.isEmpty {
                entries["/" + folder.joined(separator: "/")] = Entry(bytes: ByteBuffer(), isFolder: true)
                folder = folder.dropLast()
            }
        }
        self.entries = entries
    }

    func getFileIdentifier(_ path: String) -> String? {
        let trimmed = path.count > 1 && path.hasSuffix("/") ? String(path.dropLast()) : path
        return entries[trimmed] == nil ? nil : trimmed
    }

    func getAttributes(id: String) async throws -> Entry? { entries[id] }

    func loadFile(id: String, context: some RequestContext) async throws -> ResponseBody {
        ResponseBody(byteBuffer: entries[id]?.bytes ?? ByteBuffer())
    }

    func loadFile(id: String, range: ClosedRange<Int>, context: some RequestContext) async throws -> ResponseBody {
        guard let bytes = entries[id]?.bytes, range.lowerBound < bytes.readableBytes else { return ResponseBody(byteBuffer: ByteBuffer()) }
        let upper = min(range.upperBound, bytes.readableBytes - 1)
        return ResponseBody(byteBuffer: bytes.getSlice(at: range.lowerBound, length: upper - range.lowerBound + 1) ?? ByteBuffer())
    }
}
