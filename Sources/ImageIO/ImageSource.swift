#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

import Foundation

/// An open image file to decode: a descriptor, the file's size, and the name its errors use.
///
/// Every read is positional (`pread`) on this one descriptor, so what is decoded, hashed and
/// described is the very file that was opened, even if its name is swapped for another file
/// or a symlink meanwhile; libtiff reads it the same way (`lb_tiff_open_positional`), so
/// several readers may share one source. `init(path:)` opens a file (checking with `stat`,
/// opening non-blocking, checking again with `fstat`, so a directory, FIFO, socket or device
/// is refused without ever blocking on it); `init(descriptor:name:)` takes a descriptor the
/// caller opened and checked (the daemon's `InputGuard`) and duplicates it. The header is
/// read once (`info` is kept after the first call). Owns its descriptor and closes it in
/// `deinit`.
package final class ImageSource: @unchecked Sendable {
    /// The name errors and reports give the file (the queued path, not `/proc/self/fd/N`).
    package let path: String
    package let size: Int
    let fd: Int32
    private let lock = NSLock()
    private var cachedInfo: [ImageLimits: ImageInfo] = [:]

    package init(path: String) throws {
        self.path = path
        var st = stat()
        if stat(path, &st) != 0 {
            throw ImageSource.error(errno, path: path)
        }
        if let kind = ImageSource.nonRegularKind(st.st_mode) {
            throw ImageIOError(.notARegularFile, path: path, "is a \(kind), not a regular file")
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw ImageSource.error(errno, path: path) }
        do {
            self.size = try ImageSource.checkedSize(fd, path: path)
        } catch {
            close(fd)
            throw error
        }
        self.fd = fd
    }

    /// A source reading the open file `descriptor` (duplicated; the caller keeps its own),
    /// named `name` in errors.
    package init(descriptor: Int32, name: String) throws {
        path = name
        let copy = fcntl(descriptor, F_DUPFD_CLOEXEC, 0)
        if copy < 0 { throw ImageSource.error(errno, path: name) }
        do {
            size = try ImageSource.checkedSize(copy, path: name)
        } catch {
            close(copy)
            throw error
        }
        fd = copy
    }

    deinit { close(fd) }

    /// The header facts for `limits`, read the first time and kept.
    func info(limits: ImageLimits, read: () throws -> ImageInfo) throws -> ImageInfo {
        if let known = lock.withLock({ cachedInfo[limits] }) { return known }
        let info = try read()
        lock.withLock { cachedInfo[limits] = info }
        return info
    }

    /// Feeds the whole file, in chunks of at most `chunk` bytes, to `consume` (for a digest of
    /// exactly the bytes decoded).
    package func forEachChunk(of chunk: Int = 1 << 20, _ consume: ([UInt8]) throws -> Void) throws {
        var offset = 0
        while offset < size {
            let bytes = try read(offset: offset, count: min(chunk, size - offset))
            if bytes.isEmpty { break }
            try consume(bytes)
            offset += bytes.count
        }
    }

    private static func checkedSize(_ fd: Int32, path: String) throws -> Int {
        var st = stat()
        if fstat(fd, &st) != 0 { throw ImageSource.error(errno, path: path) }
        if let kind = ImageSource.nonRegularKind(st.st_mode) {
            throw ImageIOError(.notARegularFile, path: path, "is a \(kind), not a regular file")
        }
        return Int(st.st_size)
    }

    /// Up to `count` bytes from offset 0.
    func prefix(_ count: Int) throws -> [UInt8] {
        try read(offset: 0, count: min(count, size))
    }

    /// The whole file, refused when it is larger than `limit` bytes.
    func readAll(limit: Int) throws -> [UInt8] {
        guard size <= limit else {
            throw ImageIOError(.tooLarge, path: path, "file is \(size) bytes, over the limit of \(limit) bytes")
        }
        return try read(offset: 0, count: size)
    }

    private func read(offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ImageIOError(.unreadable, path: path, "read failed: \(ImageSource.text(errno))")
                }
                if n == 0 { break }
                done += n
            }
        }
        if done < count { bytes.removeSubrange(done...) }
        return bytes
    }

    private static func nonRegularKind(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "directory"
        case S_IFIFO: "FIFO"
        case S_IFSOCK: "socket"
        case S_IFCHR: "character device"
        case S_IFBLK: "block device"
        default: "special file"
        }
    }

    static func text(_ code: Int32) -> String { String(cString: strerror(code)) }

    private static func error(_ code: Int32, path: String) -> ImageIOError {
        switch code {
        case ENOENT, ENOTDIR: ImageIOError(.notFound, path: path, "no such file")
        default: ImageIOError(.unreadable, path: path, "cannot open: \(text(code))")
        }
    }
}
