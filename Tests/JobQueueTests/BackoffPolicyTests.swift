import Foundation
import Testing
import JobQueue

@Suite struct BackoffPolicyTests {
    @Test func nominalScheduleDoublesUpToTheCap() {
        let policy = BackoffPolicy(base: 10, factor: 2, cap: 600, jitter: 0.2)
        let delays = (1...9).map { policy.nominalDelay(afterAttempt: $0) }
        #expect(delays == [10, 20, 40, 80, 160, 320, 600, 600, 600])
        #expect(policy.nominalDelay(afterAttempt: 10_000) == 600, "no overflow for huge attempts")
        #expect(policy.delay(afterAttempt: 3, jitter: ConstantJitter(0.5)) == 40)
    }

    @Test func jitterStaysWithinItsAmplitudeAndSpreads() {
        let policy = BackoffPolicy(base: 10, factor: 2, cap: 600, jitter: 0.2)
        let source = SeededJitter(seed: 1)
        let samples = (0..<1000).map { _ in policy.delay(afterAttempt: 2, jitter: source) }
        #expect(samples.allSatisfy { $0 >= 16 && $0 < 24 })
        #expect(samples.min()! < 17 && samples.max()! > 23, "the whole ±20 % range is used")
        #expect(Set(samples).count > 900, "jitter actually varies")
        #expect(policy.delay(afterAttempt: 1, jitter: ConstantJitter(0)) == 8)
    }

    @Test func seededJitterIsReproducible() {
        let a = SeededJitter(seed: 7), b = SeededJitter(seed: 7), c = SeededJitter(seed: 8)
        let xs = (0..<50).map { _ in a.nextUnit() }
        #expect(xs == (0..<50).map { _ in b.nextUnit() })
        #expect(xs != (0..<50).map { _ in c.nextUnit() })
        #expect(xs.allSatisfy { (0..<1).contains($0) })
    }

    @Test func seededJitterGivesAReproducibleRetrySchedule() async throws {
        func schedule(seed: UInt64) async throws -> [Date] {
            let f = try QueueFixture(maxAttempts: 4, jitter: SeededJitter(seed: seed))
            try await f.enqueue("x")
            var times: [Date] = []
            for _ in 0..<3 {
                let claim = try #require(try await f.queue.claim(worker: "w"))
                let job = try await f.queue.fail(claim, .transient("again"))
                times.append(job.scheduledAt)
                f.clock.advance(by: .seconds(job.scheduledAt.timeIntervalSince(f.clock.now) + 1))
            }
            return times
        }
        let first = try await schedule(seed: 3)
        #expect(try await schedule(seed: 3) == first)
        #expect(try await schedule(seed: 4) != first)
    }

    @Test func invalidPoliciesAreRejected() {
        #expect(throws: JobQueueError.self) { try BackoffPolicy(base: 0).validate() }
        #expect(throws: JobQueueError.self) { try BackoffPolicy(factor: 0.5).validate() }
        #expect(throws: JobQueueError.self) { try BackoffPolicy(base: 10, cap: 5).validate() }
        #expect(throws: Never.self) { try BackoffPolicy().validate() }
    }
}
