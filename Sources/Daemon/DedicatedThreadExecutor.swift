import Dispatch

/// A task executor with its own serial dispatch queue (and so its own thread while a job
/// runs): work that computes for seconds without suspending — an image analysis — runs on it
/// via `withTaskExecutorPreference`, instead of occupying one of the few threads of Swift's
/// cooperative pool that the status, watchdog, lease-renewal and ingest tasks need.
///
/// Code running on it is still inside its task, so `Task.isCancelled` works there. It does
/// not limit how many executors exist: one per concurrent analysis (`AnalysisJobProcessor`);
/// the end-to-end test also runs its polling on one, so CPU-bound tests beside it cannot
/// starve it.
package final class DedicatedThreadExecutor: TaskExecutor {
    private let queue: DispatchQueue

    package init(label: String) {
        queue = DispatchQueue(label: label)
    }

    package func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        queue.async { job.runSynchronously(on: self.asUnownedTaskExecutor()) }
    }
}
