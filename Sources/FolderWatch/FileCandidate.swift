/// A file that has settled (unchanged size and mtime over the quiet period) and is ready to be
/// queued: what `FolderWatcher` emits.
///
/// `mtimeNanoseconds` is the modification time in nanoseconds since 1970 as `lstat` reports
/// it; with `path` and `size` it identifies this version of the file.
package struct FileCandidate: Sendable, Equatable, Hashable, Codable {
    /// Absolute path of the file.
    package var path: String
    /// The watched root (inbox) the file was found under.
    package var root: String
    /// Size in bytes.
    package var size: Int64
    package var mtimeNanoseconds: Int64

    package init(path: String, root: String, size: Int64, mtimeNanoseconds: Int64) {
        self.path = path
        self.root = root
        self.size = size
        self.mtimeNanoseconds = mtimeNanoseconds
    }

    /// The path below `root`, e.g. `sub/dir/name.tif` (no leading slash).
    package var relativePath: String {
        PathText.relative(path, to: root) ?? path
    }
}
