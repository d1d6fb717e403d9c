/// Why a report set could not be written: the one error type of the `Reporting` module.
///
/// `path` names the file or folder involved (nil when none); `message` says what went wrong in
/// words a technician can act on. The writer never leaves half a report behind when it throws.
package struct ReportingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The closed set of failure kinds.
    package enum Code: String, Sendable, Equatable {
        /// The output folder (or its parent) cannot be created, listed or renamed.
        case outputDirectory
        /// A report file could not be written (disk full, permissions, encoder failure).
        case writeFailed
        /// The analysis holds values no report can carry (NaN probability, cell numbers that
        /// repeat, pictures of the wrong size, a non-hex digest).
        case invalidAnalysis
        /// A report option is not understood (e.g. an unknown `--format` name).
        case invalidOption
    }

    package let code: Code
    package let path: String?
    package let message: String

    package init(_ code: Code, path: String? = nil, _ message: String) {
        self.code = code; self.path = path; self.message = message
    }

    package var description: String {
        if let path { return "\(code.rawValue): \(path): \(message)" }
        return "\(code.rawValue): \(message)"
    }
}
