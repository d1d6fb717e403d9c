import ArgumentParser
import Daemon
import JobQueue

/// `leuko queue …`: list, inspect, retry, cancel and prune jobs; check and back up the
/// database (all safe while the daemon runs).
struct QueueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "queue",
        abstract: "List, inspect, retry, cancel and prune jobs; check and back up the queue database.",
        subcommands: [List.self, Show.self, Retry.self, Cancel.self, Prune.self, Check.self, Backup.self])

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List jobs, newest first.")
        @OptionGroup var location: QueueLocation
        @Option(help: "Only jobs in this state: \(JobState.allCases.map(\.rawValue).joined(separator: ", ")).")
        var state: String?
        @Option(help: "At most this many jobs.") var limit: Int = 100
        @Flag(help: "Print JSON (an array of jobs).") var json = false

        func validate() throws {
            if let state, JobState(rawValue: state) == nil {
                throw ValidationError("--state must be one of \(JobState.allCases.map(\.rawValue).joined(separator: ", ")), got '\(state)'")
            }
            guard limit > 0 else { throw ValidationError("--limit must be positive") }
        }

        func run() async throws {
            try await AdminExit.run {
                let jobs = try await location.open().list(state: state.flatMap(JobState.init(rawValue:)), limit: limit)
                print(json ? try AdminOutput.json(jobs) : AdminOutput.jobTable(jobs))
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Show one job with its error history.")
        @OptionGroup var location: QueueLocation
        @Argument(help: "The job's id.") var id: Int64
        @Flag(help: "Print JSON ({\"job\": …, \"errors\": […]}).") var json = false

        struct Output: Encodable { var job: Job; var errors: [JobErrorEntry] }

        func run() async throws {
            try await AdminExit.run {
                let detail = try await location.open().show(id: id)
                print(json ? try AdminOutput.json(Output(job: detail.job, errors: detail.errors)) : AdminOutput.jobDetailText(detail))
            }
        }
    }

    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Put a failed or cancelled job back in the queue (with fresh attempts), or every failed job.")
        @OptionGroup var location: QueueLocation
        @Argument(help: "The job's id.") var id: Int64?
        @Flag(help: "Retry every failed job.") var failed = false

        func validate() throws {
            guard (id != nil) != failed else { throw ValidationError("give either a job id or --failed") }
        }

        func run() async throws {
            try await AdminExit.run {
                let queue = try location.open()
                if failed {
                    print("re-queued \(try await queue.retryAllFailed()) failed job(s)")
                } else if let id {
                    let job = try await queue.retry(id: id)
                    print("job \(job.id) re-queued")
                }
            }
        }
    }

    struct Cancel: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Cancel a queued, retrying or running job (a running job's result will be dropped).")
        @OptionGroup var location: QueueLocation
        @Argument(help: "The job's id.") var id: Int64

        func run() async throws {
            try await AdminExit.run {
                let job = try await location.open().cancel(id: id)
                print("job \(job.id) cancelled")
            }
        }
    }

    struct Prune: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Delete succeeded and cancelled jobs finished longer ago than --older-than (failed jobs are kept).")
        @OptionGroup var location: QueueLocation
        @Option(help: "Age such as 30d, 12h, 90m.") var olderThan: String

        func validate() throws {
            guard AdminOutput.parseAge(olderThan) != nil else {
                throw ValidationError("--older-than must be a duration such as 30d, 12h, 90m or 45s, got '\(olderThan)'")
            }
        }

        func run() async throws {
            try await AdminExit.run {
                let deleted = try await location.open().prune(olderThan: AdminOutput.parseAge(olderThan)!)
                print("pruned \(deleted) job(s)")
            }
        }
    }
}
