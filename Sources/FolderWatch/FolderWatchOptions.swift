/// How the watcher behaves; the daemon fills it from its configuration.
package struct FolderWatchOptions: Sendable, Equatable {
    /// Quiet period a file's size and mtime must stay unchanged before it is emitted.
    /// Seconds suit scanners writing to local disk; use more on network shares.
    package var settle: Duration = .seconds(2)
    /// Interval of the full rescan that catches what events miss (network shares send none,
    /// failed watches, dropped events).
    package var rescanInterval: Duration = .seconds(300)
    /// Names to ignore (see `IgnoreRules`).
    package var ignorePatterns: [String] = IgnoreRules.defaultPatterns
    /// Follow symlinks to regular files whose real path stays inside the same inbox. Off by
    /// default: links are skipped. Links to folders are never followed (no loops, no escape).
    package var followSymlinksInsideRoot = false
    /// How often the runtime checks the settler and the rescan schedule. Nil: a quarter of
    /// `settle`, clamped to 5 ms … 250 ms.
    package var tickInterval: Duration? = nil

    package init() {}

    /// The tick interval actually used.
    package var effectiveTickInterval: Duration {
        if let tickInterval { return tickInterval }
        return min(max(settle / 4, .milliseconds(5)), .milliseconds(250))
    }

    /// Throws `FolderWatchError.invalidOptions` naming the first bad field.
    package func validate() throws {
        guard settle >= .zero else { throw FolderWatchError(.invalidOptions, "settle must be >= 0, got \(settle)") }
        guard rescanInterval > .zero else { throw FolderWatchError(.invalidOptions, "rescan interval must be > 0, got \(rescanInterval)") }
        if let tickInterval, tickInterval <= .zero {
            throw FolderWatchError(.invalidOptions, "tick interval must be > 0, got \(tickInterval)")
        }
        _ = try IgnoreRules(patterns: ignorePatterns)
    }
}
