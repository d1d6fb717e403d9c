/// Watches inboxes and emits each file once it has settled: the runtime around
/// `FolderWatchCore` (kernel events in, a timer for settling and periodic rescans).
///
/// Start-up: a full scan (adding a watch to every folder) before any event is handled. Then
/// events are applied as they arrive, and every tick (`effectiveTickInterval`) settled files
/// are emitted and the rescan schedule is checked. A watcher runs once; when `run` returns
/// (cancelled, or the source finished) the source is closed.
///
/// Diagnostics (failed watches, overflow, missing inboxes…) go to `onDiagnostic`; the
/// watcher never stops because of them. Scans run on this actor: a scan of 100,000 files
/// holds it for the time of 100,000 `lstat` calls.
package actor FolderWatcher {
    private let core: FolderWatchCore
    private let source: any FileEventSource
    private let tickInterval: Duration
    private let onDiagnostic: @Sendable (WatchDiagnostic) -> Void

    /// Throws `FolderWatchError.invalidOptions` for bad roots or options.
    package init(roots: [String], options: FolderWatchOptions = FolderWatchOptions(),
                 source: any FileEventSource, clock: any WatchClock = SystemWatchClock(),
                 onDiagnostic: @escaping @Sendable (WatchDiagnostic) -> Void = { _ in }) throws {
        core = try FolderWatchCore(roots: roots, options: options, source: source, clock: clock)
        self.source = source
        self.tickInterval = options.effectiveTickInterval
        self.onDiagnostic = onDiagnostic
    }

    /// Runs until the calling task is cancelled or the event source finishes, calling `emit`
    /// for each settled file (in the order they settle). Closes the source on return.
    package func run(emit: @escaping @Sendable (FileCandidate) async -> Void) async {
        await run(emitBatch: { batch in for candidate in batch { await emit(candidate) } })
    }

    /// Like `run(emit:)`, but hands over the files that settled at the same tick together (a
    /// start-up scan's whole inbox at once), so a consumer can queue them in one transaction.
    package func run(emitBatch: @escaping @Sendable ([FileCandidate]) async -> Void) async {
        defer { source.close() }
        if core.fullScanCount == 0 { core.fullScan() }
        flushDiagnostics()
        let events = source.events
        let tickInterval = tickInterval
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for await event in events { await self.handle(event) }
            }
            group.addTask {
                while !Task.isCancelled {
                    try? await Task.sleep(for: tickInterval)
                    if Task.isCancelled { break }
                    let batch = await self.tick()
                    if !batch.isEmpty { await emitBatch(batch) }
                }
            }
            await group.next()
            group.cancelAll()
        }
    }

    /// The settled files as a stream; watching starts now and stops when the stream's
    /// consumer goes away.
    package nonisolated func candidates() -> AsyncStream<FileCandidate> {
        let (stream, continuation) = AsyncStream.makeStream(of: FileCandidate.self)
        let task = Task {
            await self.run { continuation.yield($0) }
            continuation.finish()
        }
        continuation.onTermination = { _ in task.cancel() }
        return stream
    }

    /// Makes the next rescan emit these files again (their consumer failed to take them).
    package func forgetEmitted(_ paths: [String]) { core.forgetEmitted(paths) }

    /// Asks for a full rescan at the next tick (e.g. on SIGHUP or an admin's request).
    package func requestRescan() { core.requestRescan() }

    /// Folders with a kernel watch, and folders covered by rescans only.
    package var watchState: (watched: Set<String>, unwatched: Set<String>) { (core.watched, core.unwatched) }

    /// Full scans made so far (start-up included).
    package var fullScanCount: Int { core.fullScanCount }

    private func handle(_ event: FileEvent) {
        core.handle(event)
        flushDiagnostics()
    }

    private func tick() -> [FileCandidate] {
        let out = core.tick()
        flushDiagnostics()
        return out
    }

    private func flushDiagnostics() {
        for diagnostic in core.drainDiagnostics() { onDiagnostic(diagnostic) }
    }
}
