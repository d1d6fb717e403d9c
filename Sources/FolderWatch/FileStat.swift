import Glibc

/// What `lstat` says about a path: its kind, size and modification time.
///
/// Obtained without following symlinks, so a link is reported as `.symlink`, never as its
/// target. Two stats with equal `size` and `mtimeNanoseconds` are treated as the same version.
package struct FileStat: Sendable, Equatable, Hashable {
    package enum Kind: Sendable, Equatable, Hashable { case regular, directory, symlink, other }

    package var kind: Kind
    package var size: Int64
    package var mtimeNanoseconds: Int64

    package init(kind: Kind, size: Int64, mtimeNanoseconds: Int64) {
        self.kind = kind
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
    }

    /// `lstat(path)` (or `stat(path)` when `followingLinks`), or nil when the path does not
    /// exist or cannot be read.
    package static func read(_ path: String, followingLinks: Bool = false) -> FileStat? {
        var st = Glibc.stat()
        let rc: Int32 = followingLinks ? stat(path, &st) : lstat(path, &st)
        guard rc == 0 else { return nil }
        return FileStat(st)
    }

    /// `fstat(descriptor)`: the open file itself, whatever its path has become since; nil
    /// when the descriptor is not open.
    package static func read(descriptor: Int32) -> FileStat? {
        var st = Glibc.stat()
        guard fstat(descriptor, &st) == 0 else { return nil }
        return FileStat(st)
    }

    init(_ st: Glibc.stat) {
        switch st.st_mode & S_IFMT {
        case S_IFREG: kind = .regular
        case S_IFDIR: kind = .directory
        case S_IFLNK: kind = .symlink
        default: kind = .other
        }
        size = Int64(st.st_size)
        mtimeNanoseconds = Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec)
    }

    /// Same version of the same file (kind, size and mtime equal).
    package func sameVersion(as other: FileStat) -> Bool { self == other }
}
