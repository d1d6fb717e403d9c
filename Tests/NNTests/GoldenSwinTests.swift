import Foundation
import Testing
import Tensor
@testable import NN

/// Agreement with PyTorch on the golden cases for the Swin/MBConv layers and the optimizer.
@Suite(.enabled(if: GoldenCase.available, GoldenCase.skipMessage))
struct GoldenSwinTests {
    @Test func squeezeExcite() throws {
        var rng = RandomSource(seed: 1)
        let se = SqueezeExcite(channels: 8, reduced: 2, rng: &rng)
        try GoldenCase("squeeze_excite").checkLayer(se, parameters: [
            ("w1", se.reduceWeight), ("b1", se.reduceBias), ("w2", se.expandWeight), ("b2", se.expandBias),
        ])
    }

    @Test func adamwStep() throws {
        let golden = try GoldenCase("adamw_step")
        let p = Parameter(name: "p", value: try golden.tensor("param_before"))
        p.grad.assign(try golden.tensor("grad"))
        let adam = AdamW(parameters: [p], learningRate: 1e-2, beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0.05)
        adam.expAvg[0].assign(try golden.tensor("exp_avg_before"))
        adam.expAvgSq[0].assign(try golden.tensor("exp_avg_sq_before"))
        adam.setStepCount(4)
        adam.step()
        try golden.expectClose(p.value, "param_after", tolerance: 1e-6)
        try golden.expectClose(adam.expAvg[0], "exp_avg_after", tolerance: 1e-6)
        try golden.expectClose(adam.expAvgSq[0], "exp_avg_sq_after", tolerance: 1e-6)
    }
}
