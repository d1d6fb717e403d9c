import FolderWatch
import Foundation
import JobQueue
import Logging

/// The worker's side paths around the processor: the input checks, where the report set
/// goes, and what happens to the input after success.
extension WorkerService {
    /// Runs the checks, opens the input (`InputGuard.open`) and runs the processor on it;
    /// returns nil on success or the failure to record.
    func attempt(_ job: Job, _ configuration: Configuration) async -> JobFailure? {
        let input: OpenedInput
        do {
            input = try InputGuard.open(job.path, configuration)
        } catch let error as DaemonError where error.code == .inputRejected {
            return .permanent(error.message)
        } catch {
            return .transient("\(error)")
        }
        let outputDirectory: String
        do {
            outputDirectory = try Self.reportDirectory(for: job.path, configuration)
        } catch {
            return .permanent("\(error)")
        }
        do {
            try await processor.process(input, outputDirectory: outputDirectory, configuration: configuration)
            try ReportPermissions(configuration).apply(to: outputDirectory, outbox: configuration.outbox)
            return nil
        } catch let error as DaemonError where error.code == .inputRejected {
            // A file rewritten since it was queued (a writer that paused longer than settle_ms)
            // may be complete now: retry rather than dead-letter it.
            if let now = input.status, now.size != job.size || now.mtimeNanoseconds != job.mtimeNanoseconds {
                return .transient("\(error.message) (the file changed after it was queued, so it may have been incomplete)")
            }
            return .permanent(error.message)
        } catch let error as DaemonError {
            return .transient(error.message)
        } catch {
            return .transient("\(error)")
        }
    }

    /// The report folder: mirrored below the outbox from the input's inbox, or below
    /// `OUTBOX/_manual/` for a file queued by hand from elsewhere.
    static func reportDirectory(for path: String, _ configuration: Configuration) throws -> String {
        let folder = (path as NSString).deletingLastPathComponent
        let siblings = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        if let inbox = inbox(containing: path, in: configuration.inboxes) {
            return try OutputLocation.reportDirectory(for: path, inbox: inbox, outbox: configuration.outbox, siblings: siblings)
        }
        return try OutputLocation.reportDirectory(for: path, inbox: folder, outbox: configuration.outbox + "/_manual",
                                                  siblings: siblings)
    }

    /// The inbox (configured, or its real path) that contains `path`.
    static func inbox(containing path: String, in inboxes: [String]) -> String? {
        for inbox in inboxes {
            let real = URL(fileURLWithPath: inbox).resolvingSymlinksInPath().path
            for candidate in [inbox, real] where path.hasPrefix(candidate.hasSuffix("/") ? candidate : candidate + "/") {
                return candidate
            }
        }
        return nil
    }

    /// `on_success = "move:DIR"`: moves the input below DIR, mirroring its path below the inbox.
    func moveAfterSuccess(_ path: String, _ configuration: Configuration) {
        guard case .move(let target) = configuration.onSuccess else { return }
        let inbox = Self.inbox(containing: path, in: configuration.inboxes)
        let relative = inbox.map { String(path.dropFirst($0.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/")) }
            ?? (path as NSString).lastPathComponent
        let destination = target + "/" + relative.split(separator: "/").map { OutputLocation.sanitise(String($0)) }.joined(separator: "/")
        do {
            try FileManager.default.createDirectory(atPath: (destination as NSString).deletingLastPathComponent,
                                                    withIntermediateDirectories: true)
            guard rename(path, destination) == 0 else { throw POSIXError(POSIXErrorCode(rawValue: errno) ?? .EIO) }
        } catch {
            logger.warning("cannot move \(AdminOutput.oneLine(path)) to \(AdminOutput.oneLine(destination)): \(error)")
        }
    }
}
