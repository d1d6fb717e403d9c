import ArgumentParser
import Daemon
import Foundation

/// The `leuko` command: thin argument parsing over the library targets.
@main
struct Leuko: AsyncParsableCommand {
    static let version = "0.1.0"

    static let configuration = CommandConfiguration(
        commandName: "leuko",
        abstract: "Find, segment and classify white blood cells in blood-smear images.",
        version: version,
        subcommands: [AnalyzeCommand.self, ExplainCommand.self, BenchCommand.self, ModelCommand.self, TrainCommand.self, EvalCommand.self, InspectCommand.self, InspectSyntheticSlideCommand.self,
                      StatusCommand.self, QueueCommand.self, EnqueueCommand.self, DaemonCommand.self,
                      SaliencyCommand.self, LocalizeEvalCommand.self, CalibrateCommand.self, AdaptCommand.self, AverageCommand.self, ScaleCommand.self, CrossvalCommand.self]
    )

    /// Runs the command; a library error that reaches here (from any subcommand) is printed
    /// and ends the process with its `ExitStatus`, the same status whichever command met it.
    /// ArgumentParser's own errors (usage, `--help`, `ExitCode`) are left to it.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch {
            guard let status = ExitStatus.ofLibraryError(error) else { exit(withError: error) }
            FileHandle.standardError.write(Data("leuko: \(error)\n".utf8))
            Foundation.exit(status.rawValue)
        }
    }
}
