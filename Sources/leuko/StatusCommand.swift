import ArgumentParser
import Daemon
import JobQueue

/// `leuko status`: counts per state, oldest waiting job, throughput, last errors.
struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show the queue: jobs per state, the oldest waiting job, throughput and the last errors.")

    @OptionGroup var location: QueueLocation

    @Flag(help: "Print JSON: {\"counts\": {…}, \"oldest_waiting\": …, \"throughput\": …, \"last_errors\": […]}.")
    var json = false

    @Option(help: "Throughput window, e.g. 15m, 1h, 1d.")
    var window: String = "1h"

    @Option(help: "How many of the latest errors to show.")
    var errors: Int = 5

    func validate() throws {
        guard let seconds = AdminOutput.parseAge(window), seconds > 0 else {
            throw ValidationError("--window must be a positive duration such as 30s, 15m, 1h or 1d, got '\(window)'")
        }
        guard errors >= 0 else { throw ValidationError("--errors must be >= 0") }
    }

    func run() async throws {
        try await AdminExit.run {
            let snapshot = try await location.open().snapshot(window: AdminOutput.parseAge(window)!, errorLimit: errors)
            print(json ? try AdminOutput.json(snapshot) : AdminOutput.statusText(snapshot))
        }
    }
}
