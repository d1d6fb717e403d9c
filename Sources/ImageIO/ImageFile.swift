#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// An open regular file to decode: its descriptor, size and first bytes.
///
/// Opening checks the path with `stat` first and opens non-blocking, then checks again with
/// `fstat`, so a directory, FIFO, socket or device is refused without ever blocking on it.
/// Owns the descriptor and closes it in `deinit` unless `takeDescriptor()` handed it on.
final class ImageFile {
    let path: String
    let size: Int
    private var fd: Int32

    init(path: String) throws {
        self.path = path
        var st = stat()
        if stat(path, &st) != 0 {
            throw ImageFile.error(errno, path: path)
        }
        if let kind = ImageFile.nonRegularKind(st.st_mode) {
            throw ImageIOError(.notARegularFile, path: path, "is a \(kind), not a regular file")
        }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        if fd < 0 { throw ImageFile.error(errno, path: path) }
        if fstat(fd, &st) != 0 {
            let code = errno
            close(fd)
            throw ImageFile.error(code, path: path)
        }
        if let kind = ImageFile.nonRegularKind(st.st_mode) {
            close(fd)
            throw ImageIOError(.notARegularFile, path: path, "is a \(kind), not a regular file")
        }
        self.fd = fd
        self.size = Int(st.st_size)
    }

    deinit {
        if fd >= 0 { close(fd) }
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

    /// Gives the descriptor to a new owner (libtiff closes it); this object no longer closes it.
    func takeDescriptor() -> Int32 {
        let taken = fd
        fd = -1
        return taken
    }

    private func read(offset: Int, count: Int) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: count)
        var done = 0
        try bytes.withUnsafeMutableBytes { buffer in
            while done < count {
                let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ImageIOError(.unreadable, path: path, "read failed: \(ImageFile.text(errno))")
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
