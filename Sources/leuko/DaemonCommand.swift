import ArgumentParser
import Daemon
import FolderWatch
import Foundation
import JobQueue
import Logging

/// `leuko daemon --config FILE`: the systemd service. Loads the configuration and the model,
/// recovers jobs a previous run left `running`, then runs ingest, workers, lease rescue and
/// status until SIGTERM/SIGINT (graceful: running jobs finish or are handed back); SIGHUP
/// re-reads the configuration. Logs go to stderr with journald priority prefixes.
struct DaemonCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "daemon",
        abstract: "Watch the inboxes, analyse new images and write their reports (the systemd service).",
        discussion: """
            Signals: SIGTERM/SIGINT stop gracefully, SIGHUP reloads the configuration. \
            Exit status: 0 after a graceful stop; 78 the configuration or the model it names is \
            missing or invalid; 75 another daemon already runs on the same queue database; 73 \
            the database's permissions cannot be set; 74 the queue database cannot be opened; 65 \
            it is corrupt; 77 it cannot be written; 66 it was deleted or replaced while the daemon \
            ran; 70 any other error that stopped the daemon.
            """)

    @Option(help: "The configuration file (TOML; see etc/leuko.toml).")
    var config: String = "/etc/leuko/leuko.toml"

    @Flag(help: "Check the configuration and load the model, then exit (0 when both are usable).")
    var check = false

    func run() async throws {
        let configuration: Configuration
        do {
            configuration = try Configuration.load(path: config)
        } catch {
            throw DaemonExit.fail(error)
        }
        // Reports and folders are born no more open than their configured modes (they get the
        // exact modes and group once complete), e.g. umask 027 for 0640 files and 0750 folders.
        umask(mode_t(~(configuration.reportFileMode | configuration.reportDirectoryMode) & 0o777))
        let level = Logger.Level(rawValue: configuration.logLevel.rawValue) ?? .info
        let threshold = LogThreshold(level)  // a reload's log_level changes it
        LoggingSystem.bootstrap { JournalLogHandler(label: $0, threshold: threshold) }
        let logger = Logger(label: "leuko")
        do {
            let processor = try AnalysisJobProcessor(configuration: configuration, softwareVersion: Leuko.version)
            if check {
                print("\(config): configuration and model \(configuration.model) are usable")
                return
            }
            let runner = try DaemonRunner(configuration: configuration, configurationPath: config,
                                          processor: processor, logger: logger, logThreshold: threshold)
            try await runner.recover()
            let group = runner.serviceGroup(reloadTriggers: await DaemonRunner.hangupTriggers())
            logger.notice("leuko \(Leuko.version) starting: \(configuration.workers) worker(s), inboxes \(configuration.inboxes.joined(separator: ", ")), outbox \(configuration.outbox)")
            try await group.run()
            logger.notice("stopped")
        } catch {
            logger.critical("cannot run: \(AdminOutput.oneLine("\(error)"))\(DaemonExit.advice(error).map { "; \($0)" } ?? "")")
            throw DaemonExit.fail(error, logged: true)
        }
    }
}

/// How the daemon ends on a failure: printed unless logged, exit status from `ExitStatus`.
enum DaemonExit {
    /// The status for `error`, after printing it to stderr unless it was logged already.
    static func fail(_ error: any Error, logged: Bool = false) -> ExitCode {
        if !logged { FileHandle.standardError.write(Data("leuko: \(error)\n".utf8)) }
        return ExitCode(status(error))
    }

    /// What an operator should do about `error`, when the daemon cannot mend it by itself.
    static func advice(_ error: any Error) -> String? {
        guard let error = error as? JobQueueError else { return nil }
        switch error.code {
        case .corrupt:
            return "systemd leaves the daemon stopped: restore the queue database from a backup (README \"Back up the queue database\"), or move the damaged file and its -wal/-shm aside to start with an empty queue; `leuko queue check` lists the damage"
        case .readOnly:
            return "systemd leaves the daemon stopped: make the file (and its -wal/-shm) writable for the daemon's user (owner leuko, database_mode) and check that its file system is mounted read-write, then start it"
        case .fileMoved:
            return "systemd leaves the daemon stopped rather than let it write to a file no longer at that path: put the queue database back (or restore a backup), then start it"
        case .notFound, .staleClaim, .invalidTransition, .invalidOptions, .database, .storageFailed:
            return nil
        }
    }

    static func status(_ error: any Error) -> Int32 { ExitStatus.of(error).rawValue }
}
