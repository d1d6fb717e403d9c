import FolderWatch
import Foundation
import Glibc

/// A job's input file, opened by `InputGuard.open` after its checks: the descriptor refers to
/// the file that was checked, whatever happens to its path afterwards.
///
/// `readablePath` (`/proc/self/fd/N`) names the open file itself: opening it reopens the very
/// file the descriptor refers to, with no lookup of the original path, so code that takes a
/// path (ImageIO's readers, the report's SHA-256) reads the verified file even if the name is
/// swapped for a symlink or another file meanwhile. (Linux; `/proc` must be mounted, which
/// `InputGuard.open` checks.) `path` is the name the job was queued under: for report
/// folders, reports and messages, never for reading.
///
/// Owns the descriptor and closes it in `deinit`, so it stays open for as long as anyone —
/// even an analysis left behind after its time limit — still holds the input.
package final class OpenedInput: Sendable {
    /// The path the job was queued under (not to be opened again).
    package let path: String
    /// The open, read-only descriptor (owned).
    package let descriptor: Int32

    /// Takes ownership of `descriptor`.
    init(path: String, descriptor: Int32) {
        self.path = path
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }

    /// A path that reopens this very file (see the type's comment).
    package var readablePath: String { "/proc/self/fd/\(descriptor)" }

    /// The open file's kind, size and modification time now (`fstat`).
    package var status: FileStat? { FileStat.read(descriptor: descriptor) }

    /// Puts `path` back where a message names `readablePath` (ImageIO names the file it was
    /// given).
    package func naming(_ message: String) -> String {
        message.replacingOccurrences(of: readablePath, with: path)
    }
}
