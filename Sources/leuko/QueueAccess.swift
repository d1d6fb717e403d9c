import ArgumentParser
import Daemon
import Foundation
import JobQueue

/// Where the admin commands find the queue: `--database PATH`, or the `database` key of
/// `--config FILE` (default `/etc/leuko/leuko.toml`).
struct QueueLocation: ParsableArguments {
    @Option(help: "The daemon's configuration file (its `database` key names the queue).")
    var config: String = "/etc/leuko/leuko.toml"

    @Option(help: "The queue database; overrides --config.")
    var database: String?

    /// Opens the queue. With `mustExist`, a missing database file is an error rather than a
    /// new empty queue. Runs safely beside the daemon (SQLite WAL, immediate transactions).
    func open(mustExist: Bool = true) throws -> JobQueue {
        let path = try path()
        if mustExist && !FileManager.default.fileExists(atPath: path) {
            throw JobQueueError(.notFound, "no queue database at \(path) (has the daemon run? see --database, --config)")
        }
        return try JobQueue(path: path)
    }

    /// The queue database's path (`--database`, else the configuration's `database`).
    func path() throws -> String {
        try database ?? Configuration.load(path: config).database
    }
}

/// How the admin commands end on a library error: printed to stderr, exit status from
/// `ExitStatus` (the same for every command).
enum AdminExit {
    /// Runs `body`; prints a library error to stderr and exits with its status.
    static func run(_ body: () async throws -> Void) async throws {
        do {
            try await body()
        } catch let error as JobQueueError {
            FileHandle.standardError.write(Data("leuko: \(error)\n".utf8))
            throw ExitCode(ExitStatus.of(error).rawValue)
        } catch let error as DaemonError {
            FileHandle.standardError.write(Data("leuko: \(error)\n".utf8))
            throw ExitCode(ExitStatus.of(error).rawValue)
        }
    }
}
