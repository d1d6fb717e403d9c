import Reporting

/// What a worker runs for each job: turn one input file into its report set.
///
/// The daemon stays generic: the analysis is injected. A processor reads its input only
/// through the `OpenedInput` (its descriptor, `imageSource()`, never `path`: the path may
/// have been swapped since the worker checked and opened it). It writes its report set where
/// `report` says (`ReportDestination`: staged in full, then, only if the job is still the
/// worker's, published into a folder of its own) and returns the folder it published. It
/// throws the errors it meets as they are (wrapped in `AttemptError` to add words);
/// `FailureClass` decides what each means for the job (`DaemonError(.inputRejected, …)`:
/// the input can never succeed). It should return promptly when its task
/// is cancelled (shutdown deadline, cancelled job), publishing nothing. `configuration` is
/// the one in force when the job was claimed (a reload between jobs reaches the next job
/// through it).
package protocol JobProcessor: Sendable {
    func process(_ input: OpenedInput, report: ReportDestination, configuration: Configuration) async throws -> String
}
