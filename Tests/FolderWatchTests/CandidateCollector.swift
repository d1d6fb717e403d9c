import Foundation
import FolderWatch

/// Consumes a watcher's candidate stream in the background; tests poll it with a deadline
/// (never a fixed sleep). Stopping it ends the stream, which stops the watcher.
///
/// `@unchecked Sendable`: `items` is only touched under `lock`.
final class CandidateCollector: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [FileCandidate] = []
    private var task: Task<Void, Never>?

    init(_ stream: AsyncStream<FileCandidate>) {
        task = Task { [weak self] in
            for await candidate in stream { self?.append(candidate) }
        }
    }

    deinit { task?.cancel() }

    private func append(_ candidate: FileCandidate) { lock.withLock { items.append(candidate) } }

    /// Everything received so far, in order.
    var received: [FileCandidate] { lock.withLock { items } }

    /// Polls every 5 ms until `condition` holds for what was received, for at most
    /// `timeout / 5 ms` polls. Returns whether the condition held.
    func wait(timeout: Duration = .seconds(10), until condition: @escaping ([FileCandidate]) -> Bool) async -> Bool {
        await eventually(timeout: timeout) { condition(self.received) }
    }

    /// Ends the stream (and so the watcher).
    func stop() { task?.cancel() }
}

/// Polls `condition` every 5 ms until it holds, at most `timeout / 5 ms` times; returns whether
/// it held. The bound counts polls, not wall time: when other tests' CPU-bound work starves the
/// cooperative pool, the watcher under test and this poller are delayed alike, and the watcher
/// still gets as many chances to catch up as on an idle machine.
func eventually(timeout: Duration = .seconds(10), _ condition: () async -> Bool) async -> Bool {
    let polls = max(1, Int(timeout / .milliseconds(5)))
    for _ in 0..<polls {
        if await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return await condition()
}

/// Diagnostics collected from a watcher's callback. `@unchecked Sendable`: guarded by `lock`.
final class DiagnosticLog: @unchecked Sendable {
    private let lock = NSLock()
    private var items: [WatchDiagnostic] = []
    func record(_ d: WatchDiagnostic) { lock.withLock { items.append(d) } }
    var all: [WatchDiagnostic] { lock.withLock { items } }
}
