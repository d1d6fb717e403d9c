import JobQueue
import Logging
import ServiceLifecycle

/// Runs `workers` workers and follows reloads: more workers start at once; surplus ones
/// retire after their current job (a worker with index above `workers` leaves its loop).
/// `workers` is also the number of stuck analyses that makes the daemon unhealthy
/// (`HealthMonitor.setStuckLimit`).
package struct WorkerPoolService: Service, CustomStringConvertible {
    let queue: JobQueue
    let processor: any JobProcessor
    let store: ConfigurationStore
    let health: HealthMonitor
    let logger: Logger
    /// How long a cancelled attempt may take to stop (see `WorkerService`).
    let cancelGrace: Duration

    package init(queue: JobQueue, processor: any JobProcessor, store: ConfigurationStore, health: HealthMonitor, logger: Logger,
                 cancelGrace: Duration = .seconds(10)) {
        self.queue = queue
        self.processor = processor
        self.store = store
        self.health = health
        self.logger = logger
        self.cancelGrace = cancelGrace
    }

    package var description: String { "WorkerPoolService" }

    /// Which worker indexes are running.
    private actor Running {
        var indexes: Set<Int> = []
        func start(_ index: Int) -> Bool { indexes.insert(index).inserted }
        func stop(_ index: Int) { indexes.remove(index) }
    }

    package func run() async throws {
        let running = Running()
        let changes = await store.changes()
        await withTaskGroup(of: Void.self) { group in
            func reconcile(_ wanted: Int) async {
                await health.setStuckLimit(wanted)
                for index in 1...max(wanted, 1) where await running.start(index) {
                    let worker = WorkerService(index: index, queue: queue, processor: processor, store: store,
                                               health: health, logger: logger, cancelGrace: cancelGrace)
                    group.addTask {
                        do { try await worker.run() } catch { worker.logger.error("worker-\(index) stopped: \(error)") }
                        await running.stop(index)
                    }
                }
            }
            await reconcile(await store.current.workers)
            for await configuration in changes.cancelOnGracefulShutdown() {
                await reconcile(configuration.workers)
            }
            await group.waitForAll()
        }
    }
}
