import ArgumentParser

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
}
