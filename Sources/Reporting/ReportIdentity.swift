import Crypto
import Foundation

/// Who a report folder belongs to: the key of the one request (a daemon job) whose report it
/// is. Written into the report folder as `ReportIdentity.fileName` when it is published, so a
/// job attempted again after a crash finds the report it already published instead of
/// writing a second one, and so two jobs never share a folder (see `ReportPublication`).
///
/// The key also fixes the SR's SOP Instance UID (`ImageAnalysis.reportKey`): every attempt of
/// the same job produces the same document identity.
package struct ReportIdentity: Sendable, Equatable, CustomStringConvertible {
    /// The hidden file in a published report folder that holds `key`.
    package static let fileName = ".leuko-report-id"

    /// One line of printable ASCII (no newline): what the marker file holds.
    package let key: String

    /// The identity of queue job `job` of the input it was queued for: its content hash when
    /// the queue knows one, else its size and modification time (which the queue's
    /// idempotency key holds too). `queue` tells databases apart (the database file's path).
    package init(job: Int64, queue: String, size: Int64, mtimeNanoseconds: Int64, contentHash: String?) {
        let input = contentHash.map { "sha256:\($0)" } ?? "stat:\(size):\(mtimeNanoseconds)"
        let queueDigest = SHA256.hash(data: Data(queue.utf8)).prefix(8).map { String(format: "%02x", $0) }.joined()
        key = "leuko-job/\(queueDigest)/\(job)/\(input)".filter { $0.isASCII && !$0.isNewline && $0 != "\0" }
    }

    /// An identity with a key given as is (tests; other callers that number their requests).
    package init(key: String) {
        precondition(!key.isEmpty && key.allSatisfy { $0.isASCII && !$0.isNewline }, "a report key is one line of ASCII")
        self.key = key
    }

    package var description: String { key }

    /// Whether `folder` holds a report published under this identity.
    package func owns(_ folder: String) -> Bool {
        guard let data = FileManager.default.contents(atPath: folder + "/" + Self.fileName) else { return false }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .newlines) == key
    }
}
