/// The one error type of the CellModel target (datasets now; the network and training later).
///
/// A closed set of codes plus a readable message that names the file (and line, for a bad
/// index row). Only the executable maps these to exit codes.
package struct CellModelError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// A dataset folder or its `index.csv` does not exist or cannot be read.
        case datasetMissing
        /// `index.csv` is malformed as a whole (no header, a required column missing).
        case badIndex
        /// A Pascal-VOC annotation file cannot be parsed.
        case badAnnotation
        /// A mask does not fit its image (size, values).
        case badMask
        /// Something else about the input is invalid (a parameter, a shape).
        case invalidInput
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
