#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes a file so that readers see either the old content or the complete new one: data
/// goes to a hidden temporary beside the target (`.NAME.tmp-PID-N`), is fsync'ed, renamed
/// over the target, and the directory is fsync'ed. On error the temporary is removed.
package enum AtomicFile {
    /// Writes `bytes` to `path` atomically.
    package static func write(_ bytes: [UInt8], to path: String) throws {
        try write(to: path) { fd, temporary in
            var done = 0
            try bytes.withUnsafeBytes { buffer in
                while done < buffer.count {
                    let n = Glibc.write(fd, buffer.baseAddress! + done, buffer.count - done)
                    if n < 0 {
                        if errno == EINTR { continue }
                        throw ImageIOError(.writeFailed, path: path, "write failed: \(ImageSource.text(errno))")
                    }
                    done += n
                }
            }
        }
    }

    /// Opens a temporary, lets `body` fill it through the descriptor, then fsyncs and renames.
    /// `body` must not close the descriptor.
    package static func write(to path: String, _ body: (Int32, String) throws -> Void) throws {
        let temporary = temporaryPath(for: path)
        // Read-write: libtiff reads back earlier directories when it links a new page.
        let fd = open(temporary, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        if fd < 0 {
            throw ImageIOError(.writeFailed, path: path, "cannot create \(temporary): \(ImageSource.text(errno))")
        }
        do {
            try body(fd, temporary)
            if fsync(fd) != 0 {
                throw ImageIOError(.writeFailed, path: path, "fsync failed: \(ImageSource.text(errno))")
            }
            if close(fd) != 0 {
                throw ImageIOError(.writeFailed, path: path, "close failed: \(ImageSource.text(errno))")
            }
        } catch {
            close(fd)
            unlink(temporary)
            throw error
        }
        try commit(temporary, to: path)
    }

    /// Renames a finished temporary over `path` and fsyncs the directory.
    package static func commit(_ temporary: String, to path: String) throws {
        if rename(temporary, path) != 0 {
            let code = errno
            unlink(temporary)
            throw ImageIOError(.writeFailed, path: path, "rename failed: \(ImageSource.text(code))")
        }
        let dir = directory(of: path)
        let dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if dfd >= 0 {
            _ = fsync(dfd)
            close(dfd)
        }
    }

    package static func temporaryPath(for path: String) -> String {
        let dir = directory(of: path)
        let name = path.split(separator: "/", omittingEmptySubsequences: false).last.map(String.init) ?? path
        return "\(dir)/.\(name).tmp-\(getpid())-\(counter.next())-\(UInt32.random(in: 0...UInt32.max))"
    }

    private static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let dir = String(path[..<slash])
        return dir.isEmpty ? "/" : dir
    }

    private static let counter = Counter()
}

/// A process-wide counter for unique temporary names.
/// `@unchecked Sendable`: every access goes through the mutex.
private final class Counter: @unchecked Sendable {
    private var mutex = pthread_mutex_t()
    private var current = 0
    init() { pthread_mutex_init(&mutex, nil) }
    func next() -> Int {
        pthread_mutex_lock(&mutex)
        defer { pthread_mutex_unlock(&mutex) }
        current += 1
        return current
    }
}
