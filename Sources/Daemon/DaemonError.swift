/// Every error of the daemon's own code: a closed set of codes with a readable message.
/// Errors of the libraries it wires (`JobQueueError`, `FolderWatchError`) pass through as they are.
package struct DaemonError: Error, Sendable, Equatable, CustomStringConvertible {
    package enum Code: String, Sendable, Equatable {
        /// The configuration file is missing, unreadable, not TOML, has an unknown key or a
        /// bad value (the message names the file and the key).
        case configuration
        /// A message to systemd (`$NOTIFY_SOCKET`) could not be sent.
        case systemd
        /// An output location cannot be derived or written.
        case output
        /// A processor's verdict that the input can never be processed (not an image,
        /// corrupt, unsupported, too large, unreadable): the job fails at once.
        case inputRejected
        /// A processor's failure that may heal (disk full, out of memory): retried.
        case processingFailed
        /// Another daemon already runs on the same queue database (`InstanceLock`).
        case alreadyRunning
    }

    package let code: Code
    package let message: String

    package init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    package var description: String { message }
}
