import Foundation
import Logging

/// A swift-log handler for a systemd service: one line per message on stderr, prefixed with
/// its syslog priority (`<6>` info, `<4>` warning, `<3>` error …) so journald records the
/// level (`journalctl -p warning`). Control characters in messages and metadata are escaped,
/// so a file name with a newline cannot forge a second log line. Outside journald
/// (`$JOURNAL_STREAM` unset) the line starts with an ISO 8601 time and the level instead.
///
/// Lines are written whole under a process-wide lock. The level is a shared `LogThreshold`, so
/// a reload can change it for every logger at once.
package struct JournalLogHandler: LogHandler {
    /// The level set on this handler (`logger.logLevel = …`), else the shared threshold's.
    package var logLevel: Logger.Level {
        get { ownLevel ?? threshold.level }
        set { ownLevel = newValue }
    }
    private var ownLevel: Logger.Level?
    private let threshold: LogThreshold
    package var metadata: Logger.Metadata = [:]
    private let label: String
    private let journal: Bool
    private let sink: @Sendable (String) -> Void

    /// `sink` receives each finished line (with its newline); by default stderr.
    package init(label: String, level: Logger.Level = .info,
                 environment: [String: String] = ProcessInfo.processInfo.environment,
                 sink: @escaping @Sendable (String) -> Void = JournalLogHandler.standardError) {
        self.init(label: label, threshold: LogThreshold(level), environment: environment, sink: sink)
    }

    /// A handler whose level follows `threshold` (changed on reload) until set on the handler.
    package init(label: String, threshold: LogThreshold,
                 environment: [String: String] = ProcessInfo.processInfo.environment,
                 sink: @escaping @Sendable (String) -> Void = JournalLogHandler.standardError) {
        self.label = label
        self.threshold = threshold
        self.journal = environment["JOURNAL_STREAM"] != nil
        self.sink = sink
    }

    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// The syslog priority of a level (sd-daemon(3) prefixes).
    package static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: 7
        case .info: 6
        case .notice: 5
        case .warning: 4
        case .error: 3
        case .critical: 2
        }
    }

    package func log(event: LogEvent) {
        var merged = metadata
        if let extra = event.metadata { merged.merge(extra) { _, new in new } }
        let fields = merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = escaped("\(event.message)" + (fields.isEmpty ? "" : " [\(fields)]"))
        let prefix = journal
            ? "<\(Self.priority(event.level))>"
            : Date().formatted(.iso8601) + " " + event.level.rawValue.uppercased() + " "
        sink(prefix + label + ": " + text + "\n")
    }

    private func escaped(_ text: String) -> String {
        String(text.unicodeScalars.flatMap { scalar -> [Character] in
            scalar.properties.generalCategory == .control ? Array(scalar.escaped(asASCII: true)) : [Character(scalar)]
        })
    }

    private static let lock = NSLock()

    /// Writes `line` to stderr in one call.
    package static let standardError: @Sendable (String) -> Void = { line in
        lock.withLock { FileHandle.standardError.write(Data(line.utf8)) }
    }
}
