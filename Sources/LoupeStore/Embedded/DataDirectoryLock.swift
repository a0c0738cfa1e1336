import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// An exclusive `flock` on `<data-dir>/loupe.lock`: one process owns an embedded cluster at a time.
/// The kernel drops it when the process dies, even by `kill -9`.
final class DataDirectoryLock: Sendable {
    private let fd: Int32
    let path: String

    private init(fd: Int32, path: String) {
        self.fd = fd
        self.path = path
    }

    /// nil when another process holds the lock; its pid is in the file.
    static func acquire(directory: String) throws -> DataDirectoryLock? {
        let path = directory + "/loupe.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw StoreError.embedded("cannot open \(path): \(String(cString: strerror(errno)))") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        _ = ftruncate(fd, 0)
        let pid = "\(getpid())\n"
        _ = pid.withCString { write(fd, $0, strlen($0)) }
        return DataDirectoryLock(fd: fd, path: path)
    }

    static func holder(directory: String) -> String {
        let text = (try? String(contentsOfFile: directory + "/loupe.lock", encoding: .utf8)) ?? ""
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func release() {
        flock(fd, LOCK_UN)
        close(fd)
    }
}
