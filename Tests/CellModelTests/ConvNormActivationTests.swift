import Testing
@testable import CellModel
import NN
import Tensor

/// In inference the unit runs its convolution and then batch norm and activation in one pass;
/// the result is what the three layers give one after another, within 1e-5.
@Suite struct ConvNormActivationTests {
    @Test(arguments: [Activation.Kind?.none, .silu])
    func inferenceMatchesTheLayersOneAfterAnother(kind: Activation.Kind?) {
        var rng = RandomSource(seed: 8)
        let unit = ConvNormActivation(6, 12, kernel: 3, stride: 2, groups: 2, activation: kind, rng: &rng)
        for c in 0..<12 {
            unit.norm.runningMean.data[c] = rng.uniform() - 0.5
            unit.norm.runningVar.data[c] = 0.2 + rng.uniform()
            unit.norm.weight.value.data[c] = 0.5 + rng.uniform()
            unit.norm.bias.value.data[c] = rng.uniform() - 0.5
        }
        unit.setTraining(false)
        unit.setInferenceOnly(true)
        let x = Tensor.randomUniform([2, 6, 11, 11], -1, 1, rng: &rng)
        var expected = unit.norm.forward(unit.conv.forward(x))
        if let activation = unit.activation { expected = activation.forward(expected) }
        let fused = unit.forward(x)
        #expect(fused.shape == expected.shape)
        #expect(zip(fused.values, expected.values).map { abs($0 - $1) }.max()! < 1e-5)
    }
}

extension ConvNormActivationTests {
    /// Inference mode without the inference-only promise keeps what backward needs: frozen
    /// batch norms under fine-tuning (`leuko adapt --verified`) get the same gradients as the
    /// layers give one after another.
    @Test func inferenceModeWithoutThePromiseStillHasABackward() {
        var rng = RandomSource(seed: 10)
        let unit = ConvNormActivation(4, 6, kernel: 3, rng: &rng)
        unit.setTraining(false)
        let x = Tensor.randomUniform([2, 4, 7, 7], -1, 1, rng: &rng)
        let dy = Tensor.randomUniform([2, 6, 7, 7], -1, 1, rng: &rng)
        _ = unit.forward(x)
        let dx = unit.backward(dy).copy()
        _ = unit.activation!.forward(unit.norm.forward(unit.conv.forward(x)))
        let expected = unit.conv.backward(unit.norm.backward(unit.activation!.backward(dy)))
        #expect(dx.values == expected.values)
    }
}
