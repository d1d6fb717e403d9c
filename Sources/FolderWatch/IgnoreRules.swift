import Glibc

/// Which names the watcher ignores: shell patterns (`fnmatch`) matched against the last path
/// component of files and folders (an ignored folder is not entered).
///
/// Defaults: `.*` (dotfiles, including the hidden temporaries of rsync, scp front-ends and
/// Foundation's atomic writes), `*.part`, `*.tmp`, `~*`. Patterns cannot contain `/`.
package struct IgnoreRules: Sendable, Equatable {
    package static let defaultPatterns = [".*", "*.part", "*.tmp", "~*"]

    package let patterns: [String]

    /// Throws `FolderWatchError.invalidOptions` naming an empty pattern or one with `/`.
    package init(patterns: [String] = IgnoreRules.defaultPatterns) throws {
        for pattern in patterns where pattern.isEmpty || pattern.contains("/") {
            throw FolderWatchError(.invalidOptions, "ignore pattern '\(pattern)' must be a non-empty file name pattern without '/'")
        }
        self.patterns = patterns
    }

    /// True when `name` (a single path component) matches any pattern.
    package func ignores(name: String) -> Bool {
        patterns.contains { fnmatch($0, name, 0) == 0 }
    }

    /// True when the last component of `path` is ignored.
    package func ignores(path: String) -> Bool {
        ignores(name: PathText.lastComponent(path))
    }
}
