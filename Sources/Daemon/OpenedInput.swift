import FolderWatch
import Foundation
import Glibc
import ImageIO

/// A job's input file, opened by `InputGuard.open` after its checks: the descriptor refers to
/// the file that was checked, whatever happens to its path afterwards.
///
/// Everything the job reads (the header, the pixels, the report's SHA-256) is read through
/// this descriptor (`imageSource()`: positional reads of the very file that was checked), so
/// swapping the name for a symlink or another file meanwhile changes nothing, and errors name
/// `path` as they are made. `path` is the name the job was queued under: for report folders,
/// reports and messages, never for reading.
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

    /// The open file as ImageIO reads it (its own duplicate of the descriptor), named `path`.
    package func imageSource() throws -> ImageSource {
        try ImageSource(descriptor: descriptor, name: path)
    }

    /// The file's bytes, read through the descriptor.
    package func contents() throws -> [UInt8] {
        var bytes: [UInt8] = []
        try imageSource().forEachChunk { bytes += $0 }
        return bytes
    }

    /// The open file's kind, size and modification time now (`fstat`).
    package var status: FileStat? { FileStat.read(descriptor: descriptor) }
}
