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
                let bytes: [UInt8] = withUnsafeBytes(of: entry.pointee.d_name) { raw in Array(raw.prefix { $0 != 0 }) }
                guard let name = String(validating: bytes, as: UTF8.self) else {
                    failure(dir, "the name \"\(Self.escaped(bytes))\" is not valid UTF-8; skipped (rename the file)")
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

    /// A name's bytes for a log line: printable ASCII as is, every other byte as `\xNN`.
    static func escaped(_ bytes: [UInt8]) -> String {
        bytes.map { (0x20..<0x7F).contains($0) && $0 != UInt8(ascii: "\\") && $0 != UInt8(ascii: "\"")
            ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16, uppercase: true).leftPadded(to: 2) }.joined()
    }
}

private extension String {
    func leftPadded(to width: Int) -> String { count >= width ? self : String(repeating: "0", count: width - count) + self }
}
