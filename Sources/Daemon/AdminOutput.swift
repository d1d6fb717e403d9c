import Foundation
import JobQueue

/// How the admin commands (`leuko status`, `leuko queue …`, `leuko enqueue`) print queue
/// facts: JSON for scripts (snake_case keys, ISO 8601 UTC times with milliseconds, sorted
/// keys) and aligned text for people. Formatting only; no queue access.
package enum AdminOutput {
    /// `value` as pretty-printed JSON.
    package static func json<T: Encodable>(_ value: T) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .custom { date, encoder in
            var container = encoder.singleValueContainer()
            try container.encode(timestamp(date))
        }
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }

    /// `2026-01-01T00:00:00.000Z`.
    package static func timestamp(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter.string(from: date)
    }

    /// A duration in seconds as `45s`, `12m 5s`, `3h 2m`, `1h`, `4d 1h`.
    package static func age(_ seconds: Double) -> String {
        let s = Int(seconds.rounded(.down))
        switch s {
        case ..<60: return "\(s)s"
        case ..<3600: return join(s / 60, "m", s % 60, "s")
        case ..<86_400: return join(s / 3600, "h", s % 3600 / 60, "m")
        default: return join(s / 86_400, "d", s % 86_400 / 3600, "h")
        }
        func join(_ a: Int, _ ua: String, _ b: Int, _ ub: String) -> String { b == 0 ? "\(a)\(ua)" : "\(a)\(ua) \(b)\(ub)" }
    }

    /// The status report as text.
    package static func statusText(_ s: QueueSnapshot) -> String {
        var lines = ["jobs: " + JobState.allCases.map { "\($0.rawValue) \(s.counts[$0])" }.joined(separator: ", ")]
        if let oldest = s.oldestWaiting {
            lines.append("oldest waiting: job \(oldest.id), \(age(oldest.ageSeconds)) (\(oldest.state.rawValue)) \(oneLine(oldest.path))")
        } else {
            lines.append("oldest waiting: none")
        }
        let t = s.throughput
        lines.append(String(format: "last %@: %d succeeded (%.2f/min), %d failed",
                            age(t.windowSeconds), t.succeeded, t.succeededPerMinute, t.failed))
        if s.lastErrors.isEmpty {
            lines.append("last errors: none")
        } else {
            lines.append("last errors:")
            for e in s.lastErrors {
                lines.append("  \(timestamp(e.at)) job \(e.jobID) attempt \(e.attempt) \(e.kind.rawValue): \(oneLine(e.message))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// One line per job: id, state, attempts, enqueue time, path.
    package static func jobTable(_ jobs: [Job]) -> String {
        guard !jobs.isEmpty else { return "no jobs" }
        let header = "ID        STATE      TRIES  ENQUEUED                  PATH"
        let rows = jobs.map { job in
            pad(String(job.id), 9) + " " + pad(job.state.rawValue, 10) + " " + pad("\(job.attempt)/\(job.maxAttempts)", 6)
                + " " + pad(timestamp(job.enqueuedAt), 25) + " " + oneLine(job.path)
        }
        return ([header] + rows).joined(separator: "\n")
    }

    /// Every field of a job, then its error history.
    package static func jobDetailText(_ d: JobDetail) -> String {
        let j = d.job
        var lines = [
            "job \(j.id): \(j.state.rawValue), attempt \(j.attempt) of \(j.maxAttempts)",
            "path: \(oneLine(j.path))",
            "size: \(j.size) bytes, mtime: \(timestamp(Date(timeIntervalSince1970: Double(j.mtimeNanoseconds) / 1e9)))",
            "enqueued: \(timestamp(j.enqueuedAt)), scheduled: \(timestamp(j.scheduledAt))",
        ]
        if let hash = j.contentHash { lines.append("content hash: \(hash)") }
        if let started = j.startedAt { lines.append("started: \(timestamp(started)) by \(j.worker ?? "?") on \(j.host ?? "?")") }
        if let lease = j.leaseUntil { lines.append("lease until: \(timestamp(lease))") }
        if let finished = j.finishedAt { lines.append("finished: \(timestamp(finished))") }
        if let newer = j.supersededBy { lines.append("superseded by: job \(newer) (a newer version of the same file)") }
        if j.lifetimeStart != j.enqueuedAt { lines.append("queue lifetime from: \(timestamp(j.lifetimeStart)) (an admin's retry)") }
        if j.priority != 0 { lines.append("priority: \(j.priority)") }
        if d.errors.isEmpty {
            lines.append("errors: none")
        } else {
            lines.append("errors:")
            for e in d.errors {
                lines.append("  \(timestamp(e.at)) attempt \(e.attempt) \(e.kind.rawValue): \(oneLine(e.message))")
            }
        }
        return lines.joined(separator: "\n")
    }

    /// Parses an age such as `30d`, `12h`, `90m`, `45s` (a bare number is seconds) into seconds.
    /// Returns nil for anything else (negative, empty, unknown unit).
    package static func parseAge(_ text: String) -> TimeInterval? {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400, "w": 604_800]
        guard let last = text.last else { return nil }
        let (digits, unit) = units[last] != nil ? (String(text.dropLast()), units[last]!) : (text, 1)
        guard let value = Double(digits), value >= 0, value.isFinite else { return nil }
        return value * unit
    }

    /// Control characters (newlines in a file name, say) shown escaped so one entry stays one line.
    package static func oneLine(_ text: String) -> String {
        String(text.unicodeScalars.flatMap { scalar -> [Character] in
            // Controls (newlines, ESC sequences, C1) and invisible format characters (bidi
            // overrides that would reorder what an admin reads) are shown escaped.
            [.control, .format].contains(scalar.properties.generalCategory) ? Array(scalar.escaped(asASCII: true)) : [Character(scalar)]
        })
    }

    private static func pad(_ text: String, _ width: Int) -> String {
        text.count >= width ? text : text + String(repeating: " ", count: width - text.count)
    }
}
