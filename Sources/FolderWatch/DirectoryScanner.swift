import Glibc

/// Walks a folder tree with `opendir`/`readdir` and one `lstat` per entry; reads no file
/// contents, so a scan of 100,000 files costs 100,000 `lstat` calls and nothing more.
///
/// Symlinks are reported as such and never descended into. Ignored names (files and folders)
/// are skipped. Names that are not valid UTF-8 are reported through `invalidName` and skipped.
/// Folders are visited before their entries are listed, so a watch added in `enterDirectory`
/// catches files created while the folder is being listed.
package struct DirectoryScanner {
    package var ignore: IgnoreRules

    package init(ignore: IgnoreRules) { self.ignore = ignore }

    /// Visits `root` and everything below it (depth first).
    ///
    /// - `enterDirectory(path)`: called for `root` and each sub-folder before listing it.
    /// - `visit(path, stat)`: called for each non-folder entry (files, symlinks, others).
    /// - `failure(path, reason)`: a folder that could not be listed, or a bad name.
    package func scan(_ root: String,
                      enterDirectory: (String) -> Void,
                      visit: (String, FileStat) -> Void,
                      failure: (String, String) -> Void) {
        var stack = [root]
        while let dir = stack.popLast() {
            enterDirectory(dir)
            guard let handle = opendir(dir) else {
                failure(dir, String(cString: strerror(errno)))
                continue
            }
            defer { closedir(handle) }
            while let entry = readdir(handle) {
                let name: String? = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    let bytes = raw.prefix { $0 != 0 }
                    return String(validating: bytes, as: UTF8.self)
                }
                guard let name else {
                    failure(dir, "an entry's name is not valid UTF-8; skipped")
                    continue
                }
                if name == "." || name == ".." || ignore.ignores(name: name) { continue }
                let path = dir == "/" ? "/" + name : dir + "/" + name
                guard let stat = FileStat.read(path) else { continue }  // vanished meanwhile
                if stat.kind == .directory {
                    stack.append(path)
                } else {
                    visit(path, stat)
                }
            }
        }
    }
}
