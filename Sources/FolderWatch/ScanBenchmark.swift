import Foundation
import Glibc

/// Measures what a full scan costs (for `leuko bench watch`): a start-up scan that finds every
/// file, handing all of them to the settler and emitting them, and a periodic rescan of the
/// same unchanged tree, which must stay cheap (one `lstat` per file, no reads).
///
/// Builds the tree in a fresh folder under `directory` and removes it afterwards. Uses a real
/// inotify source (one watch per folder) that is never read.
package enum ScanBenchmark {
    package struct Result: Sendable, Codable {
        package var files: Int
        package var folders: Int
        /// Creating the files (not part of the watcher's cost; shows the disk's speed).
        package var createSeconds: Double
        /// Start-up scan: walk, `lstat`, add watches, hand every file to the settler.
        package var firstScanSeconds: Double
        /// Settle check of every pending file (`lstat` again) and emission of all candidates.
        package var settleAndEmitSeconds: Double
        /// Rescans of the unchanged tree (median of `repeats`).
        package var rescanUnchangedSeconds: Double
        package var rescanMicrosecondsPerFile: Double
        package var candidatesEmitted: Int
        package var candidatesOnRescan: Int
    }

    /// Runs the measurement on `files` files spread over folders of `perFolder` files.
    package static func run(files: Int, perFolder: Int, repeats: Int, in directory: String) throws -> Result {
        precondition(files > 0 && perFolder > 0 && repeats > 0)
        let root = (directory as NSString).appendingPathComponent("leuko-scan-bench-\(UUID().uuidString)")
        let fm = FileManager.default
        defer { try? fm.removeItem(atPath: root) }
        let folders = (files + perFolder - 1) / perFolder
        let payload = [UInt8](repeating: 0x55, count: 64)
        let created = try time {
            for f in 0..<folders {
                let dir = "\(root)/batch-\(f)"
                try fm.createDirectory(atPath: dir, withIntermediateDirectories: true)
                for i in 0..<min(perFolder, files - f * perFolder) {
                    // Plain open/write/close: FileManager.createFile writes atomically (temporary
                    // file, rename), which is many times slower.
                    let fd = open("\(dir)/field-\(i).tif", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
                    guard fd >= 0, write(fd, payload, payload.count) == payload.count else {
                        if fd >= 0 { close(fd) }
                        throw FolderWatchError(.invalidOptions, "cannot create files in \(dir): \(String(cString: strerror(errno)))")
                    }
                    close(fd)
                }
            }
        }
        let source = try InotifyEventSource(startReading: false)
        defer { source.close() }
        var options = FolderWatchOptions()
        options.settle = .zero
        options.rescanInterval = .seconds(86_400)
        let core = try FolderWatchCore(roots: [root], options: options, source: source, clock: SystemWatchClock())
        let first = try time { core.fullScan() }
        var emitted = 0
        let settle = try time { emitted = core.tick().count }
        var rescans: [Double] = []
        var again = 0
        for _ in 0..<repeats {
            rescans.append(try time {
                core.fullScan()
                again += core.tick().count
            })
        }
        let median = rescans.sorted()[rescans.count / 2]
        return Result(files: files, folders: folders + 1, createSeconds: created, firstScanSeconds: first,
                      settleAndEmitSeconds: settle, rescanUnchangedSeconds: median,
                      rescanMicrosecondsPerFile: median / Double(files) * 1e6,
                      candidatesEmitted: emitted, candidatesOnRescan: again)
    }

    private static func time(_ body: () throws -> Void) throws -> Double {
        let start = ContinuousClock.now
        try body()
        return (ContinuousClock.now - start).seconds
    }
}
