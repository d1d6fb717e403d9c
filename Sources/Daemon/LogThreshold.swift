import Foundation
import Logging

/// The daemon's least severe log level, shared by every `JournalLogHandler` made with it, so
/// that a reload (`log_level`) changes what all loggers — also those made before it — write.
///
/// `@unchecked Sendable`: `value` is only read and written under `lock`.
package final class LogThreshold: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Logger.Level

    package init(_ level: Logger.Level) { value = level }

    package var level: Logger.Level {
        get { lock.withLock { value } }
        set { lock.withLock { value = newValue } }
    }
}
