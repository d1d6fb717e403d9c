import Glibc

/// The watcher's logic as a synchronous, deterministic state machine: events and scans go in,
/// settled `FileCandidate`s come out of `tick()`. `FolderWatcher` runs it; tests drive it
/// directly with a fake event source and a fake clock.
///
/// Kernel events are hints and the scan is the truth (watchman's rule): an event only makes
/// the core look at a path again; a full scan at start-up, on overflow, and every
/// `rescanInterval` finds whatever events missed. A file is emitted once per version
/// (size, mtime); versions already emitted are remembered, so a rescan of an unchanged tree
/// emits nothing and reads no file contents.
///
/// Not thread-safe: owned by one actor (or one test).
package final class FolderWatchCore {
    /// The inboxes as configured (absolute, no trailing slash).
    package let roots: [String]
    package let options: FolderWatchOptions
    private let scanner: DirectoryScanner
    private let source: any FileEventSource
    private let clock: any WatchClock
    private var settler: Settler
    /// Configured root -> its real path, when it exists.
    private var resolved: [String: String] = [:]
    /// Folders with a kernel watch.
    package private(set) var watched: Set<String> = []
    /// Folders whose watch could not be added (covered by rescans only).
    package private(set) var unwatched: Set<String> = []
    /// The version of each file already emitted.
    private var emitted: [PathKey: FileStat] = [:]  // by bytes: NFC and NFD twins are two files
    private var reportedLinks: Set<PathKey> = []
    private var unavailableRoots: Set<String> = []
    /// Scan problems already reported and still present (reported again only after a full
    /// scan no longer finds them): a badly named file is warned about once, not every rescan.
    private var reportedProblems: Set<String> = []
    private var problemsThisScan: Set<String> = []
    private var lastFullScan: Duration
    private var rescanRequested = false
    private var pendingDiagnostics: [WatchDiagnostic] = []
    /// Full scans made so far (start-up included).
    package private(set) var fullScanCount = 0

    /// Throws `FolderWatchError.invalidOptions` for bad options, relative, duplicate or nested
    /// roots.
    package init(roots: [String], options: FolderWatchOptions, source: any FileEventSource, clock: any WatchClock) throws {
        try options.validate()
        guard !roots.isEmpty else { throw FolderWatchError(.invalidOptions, "no inbox folders given") }
        let normalized = try roots.map { root -> String in
            guard root.hasPrefix("/") else { throw FolderWatchError(.invalidOptions, "inbox '\(root)' must be an absolute path") }
            var path = root
            while path.count > 1 && path.hasSuffix("/") { path.removeLast() }
            return path
        }
        for (i, a) in normalized.enumerated() {
            for b in normalized[(i + 1)...] where a == b || a.hasPrefix(b + "/") || b.hasPrefix(a + "/") || a == "/" || b == "/" {
                throw FolderWatchError(.invalidOptions, "inboxes '\(a)' and '\(b)' overlap; each file must belong to one inbox")
            }
        }
        self.roots = normalized
        self.options = options
        self.scanner = DirectoryScanner(ignore: try IgnoreRules(patterns: options.ignorePatterns))
        self.source = source
        self.clock = clock
        self.settler = Settler(quietPeriod: options.settle)
        self.lastFullScan = clock.uptime
    }

    /// Files waiting for their quiet period.
    package var pendingCount: Int { settler.pendingCount }

    /// The diagnostics since the last call, oldest first.
    package func drainDiagnostics() -> [WatchDiagnostic] {
        defer { pendingDiagnostics.removeAll() }
        return pendingDiagnostics
    }

    /// Forgets that these files were emitted, so the next scan emits them again (their
    /// consumer could not take them, e.g. the queue was unavailable).
    package func forgetEmitted(_ paths: [String]) {
        for path in paths { emitted[PathKey(path)] = nil }
    }

    /// Asks for a full rescan at the next `tick()` (e.g. on SIGHUP).
    package func requestRescan() { rescanRequested = true }

    /// Acts on one kernel event (see `FileEvent`).
    package func handle(_ event: FileEvent) {
        switch event {
        case .fileChanged(let path):
            guard !scanner.ignore.ignores(path: path), root(of: path) != nil else { return }
            guard let stat = FileStat.read(path) else { return forget(path) }
            if stat.kind == .directory { scanSubtree(path) } else { consider(path, stat) }
        case .directoryAppeared(let path):
            guard !scanner.ignore.ignores(path: path), root(of: path) != nil,
                  FileStat.read(path)?.kind == .directory else { return }
            scanSubtree(path)
        case .removed(let path):
            forget(path)
        case .overflow:
            pendingDiagnostics.append(.overflow)
            fullScan()
        case .watchRemoved(let dir):
            watched.remove(dir)
        case .invalidName(let dir):
            report(problem: dir, "an entry's name is not valid UTF-8; skipped (rename the file)")
        }
    }

    /// Makes the start-up or periodic full scan when due, then returns the files that have
    /// settled (sorted by path).
    package func tick() -> [FileCandidate] {
        let now = clock.uptime
        if rescanRequested || fullScanCount == 0 || now - lastFullScan >= options.rescanInterval {
            rescanRequested = false
            fullScan()
        }
        return settler.settled(now: clock.uptime, restat: currentStat).compactMap { path, stat in
            guard let root = root(of: path) else { return nil }
            emitted[PathKey(path)] = stat
            return FileCandidate(path: path, root: root, size: stat.size, mtimeNanoseconds: stat.mtimeNanoseconds)
        }
    }

    /// Scans every inbox: adds missing watches, drops watches of vanished folders, forgets
    /// vanished files, and hands new or changed files to the settler.
    package func fullScan() {
        var seenDirs = Set<String>(), seenFiles = Set<PathKey>()
        problemsThisScan = []
        for root in roots {
            guard let real = resolve(root) else { continue }
            scanTree(real, seenDirs: &seenDirs, seenFiles: &seenFiles)
        }
        for dir in watched.subtracting(seenDirs) {
            source.removeWatch(dir)
            watched.remove(dir)
        }
        unwatched.formIntersection(seenDirs)
        emitted = emitted.filter { seenFiles.contains($0.key) }
        reportedProblems.formIntersection(problemsThisScan)
        fullScanCount += 1
        lastFullScan = clock.uptime
    }

    private func resolve(_ root: String) -> String? {
        guard let realC = realpath(root, nil) else {
            if unavailableRoots.insert(root).inserted { pendingDiagnostics.append(.rootUnavailable(root)) }
            resolved[root] = nil
            return nil
        }
        defer { free(realC) }
        let real = String(cString: realC)
        guard FileStat.read(real)?.kind == .directory else {
            if unavailableRoots.insert(root).inserted { pendingDiagnostics.append(.rootUnavailable(root)) }
            resolved[root] = nil
            return nil
        }
        unavailableRoots.remove(root)
        resolved[root] = real
        return real
    }

    /// The (real) inbox containing `path`.
    private func root(of path: String) -> String? {
        for root in roots {
            guard let real = resolved[root] else { continue }
            if PathText.isInside(path, real) { return real }
        }
        return nil
    }

    private func scanSubtree(_ dir: String) {
        var seenDirs = Set<String>(), seenFiles = Set<PathKey>()
        scanTree(dir, seenDirs: &seenDirs, seenFiles: &seenFiles)
    }

    private func scanTree(_ dir: String, seenDirs: inout Set<String>, seenFiles: inout Set<PathKey>) {
        scanner.scan(dir,
                     enterDirectory: { d in
                         seenDirs.insert(d)
                         ensureWatch(d)
                     },
                     visit: { path, stat in
                         seenFiles.insert(PathKey(path))
                         consider(path, stat)
                     },
                     failure: { path, reason in report(problem: path, reason) })
    }

    private func ensureWatch(_ dir: String) {
        guard !watched.contains(dir) else { return }
        do {
            try source.addWatch(dir)
            watched.insert(dir)
            unwatched.remove(dir)
        } catch {
            let reason = (error as? FolderWatchError)?.message ?? "\(error)"
            if unwatched.insert(dir).inserted { pendingDiagnostics.append(.watchFailed(directory: dir, reason: reason)) }
        }
    }

    /// A file seen by an event or a scan: to the settler unless this version was emitted.
    private func consider(_ path: String, _ lstat: FileStat) {
        guard let stat = lstat.kind == .symlink ? followedLink(path) : lstat, stat.kind == .regular else { return }
        if let done = emitted[PathKey(path)], done.sameVersion(as: stat) { return }
        settler.observe(path, stat, now: clock.uptime)
    }

    /// The stat the settler compares: `lstat`, or for an allowed symlink its target's.
    private func currentStat(_ path: String) -> FileStat? {
        guard let stat = FileStat.read(path) else { return nil }
        return stat.kind == .symlink ? followedLink(path) : stat
    }

    /// The target's stat of a symlink to a regular file inside its inbox when links are
    /// allowed; nil (and a diagnostic, once per link) otherwise.
    private func followedLink(_ path: String) -> FileStat? {
        if options.followSymlinksInsideRoot, let root = root(of: path), let targetC = realpath(path, nil) {
            let target = String(cString: targetC)
            free(targetC)
            if PathText.isInside(target, root), let stat = FileStat.read(path, followingLinks: true), stat.kind == .regular { return stat }
        }
        if reportedLinks.insert(PathKey(path)).inserted { pendingDiagnostics.append(.symlinkSkipped(path)) }
        return nil
    }

    private func forget(_ path: String) {
        settler.forget(path)
        emitted[PathKey(path)] = nil
    }

    /// A scan problem, as a diagnostic unless it was reported already.
    private func report(problem path: String, _ reason: String) {
        let key = path + "\u{0}" + reason
        problemsThisScan.insert(key)
        if reportedProblems.insert(key).inserted { pendingDiagnostics.append(.scanProblem(path: path, reason: reason)) }
    }
}
