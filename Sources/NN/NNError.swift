/// The one error type of the `NN` target: a code from a closed set and a readable message.
///
/// Thrown for bad input that comes from outside the program (checkpoint files, user-supplied
/// configuration). Shape mistakes inside the program are programmer errors and trap with a
/// `precondition` instead.
package struct NNError: Error, Sendable, CustomStringConvertible, Equatable {
    package enum Code: String, Sendable {
        /// A file could not be read or written.
        case io
        /// A safetensors file is malformed: bad header length, bad JSON, offsets out of range.
        case corruptFile
        /// A tensor the caller asked for is not in the file.
        case missingTensor
        /// A tensor's dtype cannot be converted to what the caller asked for.
        case unsupportedDType
        /// A checkpoint's names or shapes do not match the module it is loaded into.
        case checkpointMismatch
        /// An argument outside the accepted range (for example a non-finite value to save).
        case invalidArgument
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { "\(code.rawValue): \(message)" }
}
