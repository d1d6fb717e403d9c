import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Ctrl-C (SIGINT) and SIGTERM for `leuko analyze`: the process exits with status 130, but
/// never while a report set is being committed, so OUTDIR holds either the whole report of an
/// image or none of it (ReportWriter stages in a hidden folder and renames; waiting for that
/// to finish means no staged folder is left behind either).
final class AnalyzeInterrupt: @unchecked Sendable {
    // @unchecked Sendable: the only state is `lock`, itself thread-safe; the signal sources are
    // kept alive by the global array below and never mutated after installation.
    private let lock = NSLock()
    nonisolated(unsafe) private static var sources: [DispatchSourceSignal] = []   // written once, at install

    /// Takes over SIGINT and SIGTERM for the rest of the process.
    static func install() -> AnalyzeInterrupt {
        let guardian = AnalyzeInterrupt()
        let queue = DispatchQueue(label: "leuko.analyze.signals")
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: queue)
            source.setEventHandler {
                guardian.lock.lock()   // waits for a report being committed; never unlocked
                FileHandle.standardError.write(Data("leuko analyze: interrupted\n".utf8))
                _exit(130)
            }
            source.resume()
            sources.append(source)
        }
        return guardian
    }

    /// Runs `body` (a report write) so that an interruption waits for it to finish.
    func whileWriting<T>(_ body: () throws -> T) rethrows -> T {
        lock.lock()
        defer { lock.unlock() }
        return try body()
    }
}
