import Foundation
import Glibc
import JobQueue

/// Queue database files for the integrity tests: a closed queue of many jobs, then the same
/// file with some of its pages overwritten by garbage (as a failing disk or a stray `dd`
/// would leave it).
package enum DamagedDatabase {
    /// Creates a queue of `jobs` jobs at `path` and closes it: the last connection checkpoints
    /// the WAL into the file and removes it, so every page lives in `path` itself.
    package static func writeClosedQueue(at path: String, jobs: Int = 300) async throws {
        let queue = try JobQueue(path: path)
        for index in 0..<jobs {
            _ = try await queue.enqueue(JobInput(path: "/inbox/ward3/slide-\(index)-with-a-longer-name.tiff",
                                                 size: Int64(1_000 + index), mtimeNanoseconds: Int64(index)))
        }
    }

    /// Overwrites `count` bytes at `offset` of the file at `path` with seeded pseudo-random
    /// bytes (4096 = the start of page 2 at SQLite's default page size).
    package static func scribble(_ path: String, at offset: Int = 4096, count: Int = 2 * 4096) throws {
        let fd = open(path, O_WRONLY)
        guard fd >= 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        defer { close(fd) }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        let garbage = (0..<count).map { _ -> UInt8 in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
        guard pwrite(fd, garbage, count, off_t(offset)) == count else {
            throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO)
        }
    }
}
