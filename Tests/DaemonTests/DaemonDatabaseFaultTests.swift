import Daemon
import Foundation
import Glibc
import Testing

/// The real `leuko daemon` when its queue database is deleted under it: it stops by itself
/// with exit status 66 (which systemd does not restart after) and a critical line that names
/// the file, instead of writing on into a file nobody will see again.
@Suite(.serialized) struct DaemonDatabaseFaultTests {
    @Test(.enabled(if: DaemonFaultTests.ready, "the built leuko binary or Models/leuko-wbc-v1.safetensors is missing"))
    func aDeletedDatabaseStopsTheDaemonWithExit66() async throws {
        let drop = try DropFolder(settleMilliseconds: 300)
        defer { drop.remove() }
        let faults = DaemonFaultTests()
        let daemon = try await faults.start(drop)
        // The lock comes before the database is opened: wait for the start-up line after it.
        let started = try await Polling.until(seconds: 60) { !daemon.isRunning || daemon.logTail(200).contains("starting:") }
        #expect(started && daemon.isRunning, "daemon started\n\(daemon.logTail())")
        #expect(unlink(drop.database) == 0)
        let stopped = await daemon.wait(timeout: .seconds(60))
        #expect(stopped?.reason == .exit && stopped?.status == 66, "EX_NOINPUT\n\(daemon.logTail())")
        let log = daemon.logTail(200)
        #expect(log.contains(drop.database) && log.contains("deleted or renamed"), "\(log)")
        if stopped == nil { daemon.send(SIGKILL) }
    }
}
