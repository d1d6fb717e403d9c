import Crypto
import Foundation

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
}
