/// Holds files back until they are quiet: a file is released only when two looks at it, at
/// least `quietPeriod` apart with no change seen in between, find the same size and mtime.
///
/// Closing a file is not proof that it is complete (a writer may reopen and append), so every
/// observation (event or scan) restarts the wait if the file changed. Time is the injected
/// monotonic clock's; the settler itself never sleeps.
package struct Settler {
    package let quietPeriod: Duration
    private var pending: [PathKey: (stat: FileStat, since: Duration)] = [:]

    package init(quietPeriod: Duration) { self.quietPeriod = quietPeriod }

    /// Files waiting to settle.
    package var pendingCount: Int { pending.count }

    /// Whether `path` is waiting to settle.
    package func isPending(_ path: String) -> Bool { pending[PathKey(path)] != nil }

    /// Notes that `path` was seen with `stat` at `now`; a change restarts its quiet period.
    package mutating func observe(_ path: String, _ stat: FileStat, now: Duration) {
        let key = PathKey(path)
        if let existing = pending[key], existing.stat.sameVersion(as: stat) { return }
        pending[key] = (stat, now)
    }

    /// Stops tracking `path` (deleted or renamed away).
    package mutating func forget(_ path: String) { pending[PathKey(path)] = nil }

    /// Re-reads (`restat`) every file whose quiet period has passed and returns those still
    /// unchanged, sorted by path; changed files wait again, vanished ones are dropped.
    package mutating func settled(now: Duration, restat: (String) -> FileStat?) -> [(path: String, stat: FileStat)] {
        var ready: [(path: String, stat: FileStat)] = []
        // Collect first: mutating `pending` while iterating it would copy it at each change.
        let due = pending.filter { now - $0.value.since >= quietPeriod }
        for (key, entry) in due {
            guard let current = restat(key.path) else {
                pending[key] = nil
                continue
            }
            if current.sameVersion(as: entry.stat) {
                pending[key] = nil
                ready.append((key.path, current))
            } else {
                pending[key] = (current, now)
            }
        }
        return ready.sorted { $0.path < $1.path }
    }
}
