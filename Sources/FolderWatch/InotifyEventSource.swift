import Foundation
import Glibc

/// Linux inotify as a `FileEventSource`: one inotify descriptor, one watch per folder, and a
/// reader thread that turns the kernel's records into `FileEvent`s.
///
/// Mask per folder: `IN_CLOSE_WRITE | IN_MOVED_TO` (files to act on), `IN_CREATE` (new
/// folders), `IN_DELETE | IN_MOVED_FROM` (forget), with `IN_ONLYDIR | IN_DONT_FOLLOW` (a
/// symlink is never watched through) and `IN_EXCL_UNLINK`. `IN_Q_OVERFLOW` becomes `.overflow`.
/// Each record is a 16-byte header (`wd`, `mask`, `cookie`, `len`) followed by `len` bytes of
/// NUL-padded name, which Swift does not import, so the bytes are read after the header.
///
/// The reader thread blocks in `poll` on the inotify descriptor and a wake-up pipe; `close()`
/// writes to the pipe and the thread closes both descriptors on its way out. No Dispatch
/// handlers are involved. `@unchecked Sendable`: the watch tables are only touched under
/// `lock`; the descriptors are immutable after `init` and closed once, by the reader thread.
package final class InotifyEventSource: FileEventSource, @unchecked Sendable {
    package let events: AsyncStream<FileEvent>
    private let continuation: AsyncStream<FileEvent>.Continuation
    private let fd: Int32
    private let wakeRead: Int32, wakeWrite: Int32
    private let lock = NSLock()
    private var pathByWatch: [Int32: String] = [:]
    private var watchByPath: [String: Int32] = [:]
    private var closed = false
    private var started = false

    private static let mask = UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_TO) | UInt32(IN_CREATE) | UInt32(IN_DELETE)
        | UInt32(IN_MOVED_FROM) | UInt32(IN_ONLYDIR) | UInt32(IN_DONT_FOLLOW) | UInt32(IN_EXCL_UNLINK)

    /// Sets up inotify and, unless `startReading` is false, starts the reader thread (then call
    /// `startReading()`; until then the kernel queues events, up to `max_queued_events`).
    /// Throws `FolderWatchError.sourceFailed` (e.g. `max_user_instances` reached).
    package init(startReading: Bool = true) throws {
        let fd = inotify_init1(Int32(IN_CLOEXEC) | Int32(IN_NONBLOCK))
        guard fd >= 0 else {
            throw FolderWatchError(.sourceFailed, "inotify_init1 failed: \(String(cString: strerror(errno))) (see /proc/sys/fs/inotify/max_user_instances)")
        }
        var pipeFDs: [Int32] = [0, 0]
        guard pipe(&pipeFDs) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw FolderWatchError(.sourceFailed, "pipe failed: \(reason)")
        }
        for pipeFD in pipeFDs { _ = fcntl(pipeFD, F_SETFD, FD_CLOEXEC) }
        self.fd = fd
        (wakeRead, wakeWrite) = (pipeFDs[0], pipeFDs[1])
        (events, continuation) = AsyncStream.makeStream(of: FileEvent.self, bufferingPolicy: .unbounded)
        if startReading { self.startReading() }
    }

    /// Starts the reader thread (once; later calls do nothing).
    package func startReading() {
        let start = lock.withLock { () -> Bool in
            defer { started = true }
            return !started && !closed
        }
        guard start else { return }
        let thread = Thread { [self] in readLoop() }
        thread.name = "inotify-reader"
        thread.start()
    }

    deinit { close() }

    package func addWatch(_ directory: String) throws {
        try lock.withLock {
            guard !closed else { throw FolderWatchError(.watchFailed, "\(directory): event source is closed") }
            let wd = inotify_add_watch(fd, directory, Self.mask)
            guard wd >= 0 else {
                let code = errno
                let hint = code == ENOSPC ? " (fs.inotify.max_user_watches reached)" : ""
                throw FolderWatchError(.watchFailed, "\(directory): \(String(cString: strerror(code)))\(hint)")
            }
            // The same folder under a new name (after a rename) keeps its watch descriptor.
            if let old = pathByWatch[wd], old != directory { watchByPath[old] = nil }
            pathByWatch[wd] = directory
            watchByPath[directory] = wd
        }
    }

    package func removeWatch(_ directory: String) {
        lock.withLock {
            guard !closed, let wd = watchByPath.removeValue(forKey: directory) else { return }
            pathByWatch[wd] = nil
            inotify_rm_watch(fd, wd)
        }
    }

    /// Number of folders currently watched.
    package var watchCount: Int { lock.withLock { pathByWatch.count } }

    package func close() {
        let (first, running) = lock.withLock { () -> (Bool, Bool) in
            defer { closed = true }
            return (!closed, started)
        }
        guard first else { return }
        if running {
            var byte: UInt8 = 1
            _ = Glibc.write(wakeWrite, &byte, 1)  // the reader thread closes the descriptors
        } else {
            closeDescriptors()
        }
    }

    private func closeDescriptors() {
        Glibc.close(fd)
        Glibc.close(wakeRead)
        Glibc.close(wakeWrite)
        continuation.finish()
    }

    private func readLoop() {
        let bufferSize = 64 * 1024
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: bufferSize, alignment: 8)
        defer {
            buffer.deallocate()
            closeDescriptors()
        }
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0)]
        while true {
            fds[0].revents = 0
            fds[1].revents = 0
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                return
            }
            if fds[1].revents != 0 { return }
            while true {
                let n = Glibc.read(fd, buffer, bufferSize)
                if n <= 0 { break }  // EAGAIN: drained
                parse(UnsafeRawBufferPointer(start: buffer, count: n))
            }
        }
    }

    private func parse(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 16 <= bytes.count {
            let wd = bytes.loadUnaligned(fromByteOffset: offset, as: Int32.self)
            let mask = bytes.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset + 12, as: UInt32.self))
            let nameBytes = UnsafeRawBufferPointer(rebasing: bytes[(offset + 16)..<min(offset + 16 + length, bytes.count)])
            offset += 16 + length
            if let event = event(wd: wd, mask: mask, nameBytes: nameBytes.prefix { $0 != 0 }) {
                continuation.yield(event)
            }
        }
    }

    private func event(wd: Int32, mask: UInt32, nameBytes: UnsafeRawBufferPointer.SubSequence) -> FileEvent? {
        func has(_ flag: Int32) -> Bool { mask & UInt32(flag) != 0 }
        if has(IN_Q_OVERFLOW) { return .overflow }
        let directory: String? = lock.withLock {
            let dir = pathByWatch[wd]
            if has(IN_IGNORED), let dir {
                pathByWatch[wd] = nil
                if watchByPath[dir] == wd { watchByPath[dir] = nil }
            }
            return dir
        }
        guard let directory else { return nil }
        if has(IN_IGNORED) { return .watchRemoved(directory) }
        guard !nameBytes.isEmpty else { return nil }  // an event about the folder itself
        guard let name = String(validating: nameBytes, as: UTF8.self) else { return .invalidName(directory: directory) }
        let path = directory == "/" ? "/" + name : directory + "/" + name
        if has(IN_DELETE) || has(IN_MOVED_FROM) { return .removed(path) }
        if has(IN_ISDIR) { return has(IN_CREATE) || has(IN_MOVED_TO) ? .directoryAppeared(path) : nil }
        if has(IN_CLOSE_WRITE) || has(IN_MOVED_TO) { return .fileChanged(path) }
        return nil  // IN_CREATE of a file: wait for its close or rename
    }
}
