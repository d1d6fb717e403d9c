import Testing
@testable import Daemon

/// The daemon's shared health: pausing for the environment and whose turn it is to probe.
@Suite struct HealthMonitorTests {
    @Test func pauseAndResumeSayWhetherTheStateChanged() async {
        let health = HealthMonitor()
        #expect(await health.pause("outbox full"), "the first pause")
        #expect(await !health.pause("outbox still full"), "already paused")
        #expect(await health.environmentFault == "outbox still full")
        #expect(await health.resume() == "outbox still full")
        #expect(await health.environmentFault == nil)
        #expect(await health.resume() == nil, "not paused: nothing to resume")
    }

    @Test func oneWorkerProbesPerInterval() async {
        let health = HealthMonitor()
        #expect(await health.takeProbeTurn(every: .seconds(3600)), "the first asker probes")
        for _ in 0..<5 { #expect(await !health.takeProbeTurn(every: .seconds(3600)), "the others wait their turn") }
        #expect(await health.takeProbeTurn(every: .zero), "once the interval has passed, a probe is due again")
    }
}
