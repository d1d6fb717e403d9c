/// The one error type of ImageIO: what went wrong (a closed set of codes), the file, and a
/// readable message that includes the codec library's own words when it gave any.
///
/// What a failure means for a queued job (fail it, retry it) is the daemon's to decide
/// (`FailureClass`), not this module's.
package struct ImageIOError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Codable {
        /// The path does not exist.
        case notFound
        /// A directory, FIFO, socket or device rather than a regular file.
        case notARegularFile
        /// The operating system refused to read it (permissions, I/O error).
        case unreadable
        /// Empty, or the magic bytes match no supported format.
        case unknownFormat
        /// A recognised format using a feature ImageIO does not decode.
        case unsupported
        /// The header announces more pixels than the configured limits allow.
        case tooLarge
        /// The data is damaged or truncated; the codec's message says where.
        case corrupt
        /// The caller asked for something impossible (region outside the image, bad option).
        case invalidArgument
        /// Writing the output failed.
        case writeFailed
    }

    package let code: Code
    package let path: String
    package let message: String

    package init(_ code: Code, path: String, _ message: String) {
        self.code = code
        self.path = path
        self.message = message
    }

    package var description: String { "\(path): \(message)" }
}

/// The text of a NUL-terminated C character buffer.
func text(of chars: [CChar]) -> String {
    String(decoding: chars.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}
