import Crypto
import Foundation
import ImageIO

/// SHA-256 of a file's bytes, read in 1 MiB chunks (bounded memory for large slides).
package enum SHA256Digest {
    /// Lower-case hex digest of the file at `url`.
    package static func hex(of url: URL) throws -> String {
        let handle = try FileHandle(forReadingFrom: url)
        defer { try? handle.close() }
        var hasher = SHA256()
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { hasher.update(data: chunk) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }

    /// Lower-case hex digest of an open image file, read through its descriptor (the bytes
    /// that are decoded, whatever its name now refers to).
    package static func hex(of source: ImageSource) throws -> String {
        var hasher = SHA256()
        try source.forEachChunk { hasher.update(data: $0) }
        return hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
