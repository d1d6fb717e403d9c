import Testing
@testable import CellModel
import NN
import Tensor

/// The head runs its 1x1 classifier before the last bilinear upsampling; the logits are those
/// of upsampling first (the twin's and the earlier order) within 1e-5.
@Suite struct SegmentationHeadTests {
    @Test(arguments: [true, false])
    func classifyingBeforeUpsamplingGivesTheSameLogits(training: Bool) {
        var rng = RandomSource(seed: 12)
        let head = SegmentationHead(fusedChannels: 16, stemChannels: 8, width: 12, classes: 3, rng: &rng)
        head.setTraining(training)
        let fused = Tensor.randomUniform([2, 16, 6, 6], -1, 1, rng: &rng)
        let stem = Tensor.randomUniform([2, 8, 12, 12], -1, 1, rng: &rng)
        let logits = head.forward(fused: fused, stem: stem)
        #expect(logits.shape == [2, 3, 24, 24])

        let up = Upsample(.bilinear, scale: 2).forward(head.reduce.forward(fused))
        let decoded = head.decode.forward(Channels.concat([up, stem]))
        let expected = head.classify.forward(Upsample(.bilinear, scale: 2).forward(decoded))
        #expect(zip(logits.values, expected.values).map { abs($0 - $1) }.max()! < 1e-5)
    }
}
