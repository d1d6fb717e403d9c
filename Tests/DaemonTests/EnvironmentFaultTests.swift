import Daemon
import Foundation
import Glibc
import JobQueue
import Testing

/// A full outbox is the machine's fault, not the image's: the job goes back to the queue
/// without using an attempt, claiming pauses while the outbox is probed, and the work resumes
/// when space is freed. Fault injection with a small tmpfs (needs root, as CI runs).
@Suite(.serialized) struct EnvironmentFaultTests {
    /// Whether this process may mount a tmpfs (root in CI; skipped elsewhere).
    static let canMount: Bool = {
        let dir = NSTemporaryDirectory() + "leuko-mount-probe-\(getpid())"
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { rmdir(dir) }
        guard mount("tmpfs", dir, "tmpfs", 0, "size=64k") == 0 else { return false }
        umount(dir)
        return true
    }()

    @Test(.enabled(if: canMount, "needs to mount a tmpfs (root); CI runs as root"))
    func aFullOutboxPausesClaimingAndUsesNoAttempt() async throws {
        let base = NSTemporaryDirectory() + "leuko-enospc-\(UUID().uuidString)"
        for dir in ["in", "out"] { try FileManager.default.createDirectory(atPath: base + "/" + dir, withIntermediateDirectories: true) }
        try #require(mount("tmpfs", base + "/out", "tmpfs", 0, "size=256k") == 0)
        defer {
            umount2(base + "/out", Int32(MNT_DETACH))   // lazily: a writer may still hold a file open
            try? FileManager.default.removeItem(atPath: base)
        }
        // Fill the outbox to the last block.
        let filler = base + "/out/filler"
        let fd = open(filler, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let block = [UInt8](repeating: 1, count: 4096)
        while write(fd, block, block.count) > 0 {}
        close(fd)
        #expect(OutboxProbe.fault(in: base + "/out") != nil, "the probe sees the full outbox")

        let (queue, _) = try await DaemonHarness.run(base: base, extra: "max_attempts = 1", until: {
            try await $0.counts().succeeded == 1
        }) { queue in
            try await DatabaseFullTests.drop(base + "/in/field.tif", into: queue)
            // While the outbox is full (3 s): the job is tried and handed back, never failed.
            var tried = false
            for _ in 0..<300 {
                let jobs = try await queue.list(limit: 10)
                #expect(!jobs.contains { $0.state == .failed }, "dead-lettered although the disk was at fault: \(jobs.map { $0.lastError ?? "" })")
                #expect(!jobs.contains { $0.state == .succeeded }, "a report was written to a full disk?")
                if jobs.first?.startedAt != nil { tried = true }
                try await Task.sleep(for: .milliseconds(10))
            }
            #expect(tried, "the job was attempted while the disk was full")
            unlink(filler)  // space again: the probe clears and the job runs
        }
        let job = try #require(try await queue.list(limit: 10).first)
        #expect(job.state == .succeeded && job.attempt == 1, "one attempt used (max_attempts = 1): \(job.state) \(job.attempt)")
        #expect(FileManager.default.fileExists(atPath: base + "/out/field/report.json"))
    }

    @Test func theStatusLineSaysWhyClaimingIsPaused() async throws {
        let path = NSTemporaryDirectory() + "leuko-status-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm"] { unlink(path + suffix) } }
        let snapshot = try await JobQueue(path: path).snapshot()
        let line = StatusService.statusLine(snapshot, paused: "the outbox /srv/out is full (no free blocks)")
        #expect(line.hasSuffix("; PAUSED: the outbox /srv/out is full (no free blocks)"))
        #expect(!StatusService.statusLine(snapshot).contains("PAUSED"))
    }
}
