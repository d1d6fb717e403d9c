import Foundation
import Testing
@testable import NN
import Tensor

/// The op profile: nested scopes give paths with calls, work and time per phase; a disabled
/// profile records nothing and changes no result; profiled layers give the same outputs.
@Suite(.serialized) struct OpProfileTests {
    @Test func nestedScopesGivePathsCallsAndWork() {
        let profile = OpProfile()
        profile.start()
        for _ in 0..<2 {
            profile.measure("block", .forward) {
                profile.measure("mlp.fc1", .forward, flops: 100) { () }
                profile.measure("act", .forward) { () }
            }
            profile.measure("block", .backward) { profile.measure("mlp.fc1", .backward) { () } }
        }
        let snapshot = profile.stop()
        #expect(snapshot.order == ["block/mlp.fc1", "block/act", "block"])
        #expect(snapshot.entry("block", .forward).calls == 2 && snapshot.entry("block", .backward).calls == 2)
        #expect(snapshot.entry("block/mlp.fc1", .forward).flops == 200)
        #expect(snapshot.entry("block/mlp.fc1", .backward).calls == 2)
        #expect(snapshot.entry("block", .forward).seconds >= snapshot.entry("block/mlp.fc1", .forward).seconds)
        #expect(snapshot.entry("nowhere", .forward) == OpProfile.Entry())
    }

    @Test func aStoppedProfileRecordsNothingAndReturnsTheBodysValue() {
        let profile = OpProfile()
        var evaluated = false
        let value = profile.measure("x", .forward, flops: { evaluated = true; return 1 }()) { 42 }
        #expect(value == 42 && !evaluated, "work is not even computed when off")
        profile.start()
        _ = profile.measure("y", .forward) { 1 }
        profile.stop()
        _ = profile.measure("z", .forward) { 1 }
        profile.start()
        #expect(profile.stop().order.isEmpty, "start clears what was collected")
    }

    @Test func profilingDoesNotChangeALayersResults() {
        var rng = RandomSource(seed: 3)
        let block = MBConv(8, 8, rng: &rng)
        let input = Tensor.randomUniform([2, 8, 8, 8], -1, 1, rng: &rng)
        let plain = block.forward(input).copy()
        let dPlain = block.backward(Tensor(shape: plain.shape, repeating: 1)).copy()
        OpProfile.shared.start()
        let profiled = block.profiledForward("block", input)
        let dProfiled = block.profiledBackward("block", Tensor(shape: plain.shape, repeating: 1))
        let snapshot = OpProfile.shared.stop()
        #expect(Array(profiled.buffer) == Array(plain.buffer) && Array(dProfiled.buffer) == Array(dPlain.buffer))
        #expect(snapshot.order.contains("block/conv_dw") && snapshot.order.contains("block/se"))
        #expect(snapshot.entry("block", .forward).flops == Double(block.flops(inputShape: input.shape)))
    }
}

extension OpProfileTests {
    @Test func onlyTheThreadThatStartedIsProfiled() {
        let profile = OpProfile()
        profile.start()
        let done = DispatchSemaphore(value: 0)
        Thread { profile.measure("elsewhere", .forward) { () }; done.signal() }.start()
        done.wait()
        profile.measure("here", .forward) { () }
        #expect(profile.stop().order == ["here"])
    }
}
