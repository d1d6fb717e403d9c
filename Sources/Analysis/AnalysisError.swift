/// The one error type of the Analysis target.
///
/// A closed set of codes plus a readable message (naming the file when there is one). Only
/// the executable maps these to exit codes.
package struct AnalysisError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// The image cannot be analysed (empty, too small, unsupported layout).
        case unsupportedImage
        /// A parameter is out of its valid range.
        case invalidParameter
        /// A dataset cannot be evaluated or loaded for training (wrong kind, no records).
        case badDataset
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
