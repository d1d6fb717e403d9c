import ImageIO

/// The one error type of the Analysis target.
///
/// A closed set of codes plus a readable message (naming the file when there is one). Only
/// the executable maps these to exit codes. `isPermanent` tells a caller (the daemon's job
/// queue) whether running the same input again can help.
package struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// The image cannot be analysed (empty, too small, unsupported layout).
        case unsupportedImage
        /// A parameter is out of its valid range.
        case invalidParameter
        /// A dataset cannot be evaluated or loaded for training (wrong kind, no records).
        case badDataset
        /// The input file could not be decoded; `inputCode` says why (ImageIO's code).
        case unreadableInput
        /// A resource ran out (the memory ceiling cannot hold the work, a file cannot be hashed).
        case resourceExhausted
        /// The caller's task was cancelled before the analysis finished.
        case cancelled
    }

    package let code: Code
    package let message: String
    /// For `unreadableInput`: ImageIO's reason (not found, not an image, corrupt, too large, ...).
    package let inputCode: ImageIOError.Code?

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
        self.inputCode = nil
    }

    /// An input that ImageIO could not read, keeping ImageIO's reason.
    package init(input error: ImageIOError) {
        code = .unreadableInput
        message = error.description
        inputCode = error.code
    }

    package var description: String { message }
}
