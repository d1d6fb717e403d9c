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

    @Test(arguments: [("swin_block_w4_noshift", 0), ("swin_block_w4_shift2", 2)])
    func swinBlock(caseName: String, shift: Int) throws {
        var rng = RandomSource(seed: 2)
        let block = SwinBlock(channels: 12, heads: 3, window: 4, shift: shift, rng: &rng)
        let golden = try GoldenCase(caseName)
        #expect(golden.metadata["shift"] == "\(shift)" && golden.metadata["heads"] == "3" && golden.metadata["window"] == "4")
        try golden.checkBlock(block, parameters: [
            ("ln1_w", block.norm1.weight), ("ln1_b", block.norm1.bias),
            ("qkv_w", block.attention.qkvWeight), ("qkv_b", block.attention.qkvBias),
            ("rpb_table", block.attention.biasTable),
            ("proj_w", block.attention.projWeight), ("proj_b", block.attention.projBias),
            ("ln2_w", block.norm2.weight), ("ln2_b", block.norm2.bias),
            ("fc1_w", block.fc1.weight), ("fc1_b", block.fc1.bias!), ("fc2_w", block.fc2.weight), ("fc2_b", block.fc2.bias!),
        ])
    }

    @Test func goldenCaseSeesAMissingShiftOrMask() throws {
        // An unshifted block, or a shifted one without the -100 mask, must miss the shifted case.
        let golden = try GoldenCase("swin_block_w4_shift2")
        for variant in ["no shift", "no mask"] {
            var rng = RandomSource(seed: 5)
            let block = SwinBlock(channels: 12, heads: 3, window: 4, shift: variant == "no shift" ? 0 : 2, rng: &rng)
            for (key, p) in [("ln1_w", block.norm1.weight), ("ln1_b", block.norm1.bias), ("qkv_w", block.attention.qkvWeight),
                             ("qkv_b", block.attention.qkvBias), ("rpb_table", block.attention.biasTable),
                             ("proj_w", block.attention.projWeight), ("proj_b", block.attention.projBias),
                             ("ln2_w", block.norm2.weight), ("ln2_b", block.norm2.bias), ("fc1_w", block.fc1.weight),
                             ("fc1_b", block.fc1.bias!), ("fc2_w", block.fc2.weight), ("fc2_b", block.fc2.bias!)] {
                try golden.load(key, into: p)
            }
            let x = try golden.tensor("x")
            _ = block.forward(x)               // builds the partition and mask for this geometry
            // Same geometry next time, so the block keeps its (now cleared) mask.
            if variant == "no mask" { block.attention.mask = nil }
            let error = try golden.relativeError(block.forward(x), "y")
            #expect(error > 10 * GoldenCase.gradientTolerance, "\(variant): error \(error)")
        }
    }

    @Test func patchMerging() throws {
        var rng = RandomSource(seed: 3)
        let merge = PatchMerging(channels: 6, rng: &rng)
        try GoldenCase("patch_merging").checkBlock(merge, parameters: [
            ("ln_w", merge.norm.weight), ("ln_b", merge.norm.bias), ("red_w", merge.reduction.weight),
        ])
    }

    @Test func mbconvBlock() throws {
        var rng = RandomSource(seed: 4)
        let block = MBConv(8, 8, expandRatio: 4, rng: &rng)
        #expect(block.hasResidual && block.squeezeExcite.reduced == 2)
        try GoldenCase("mbconv_block").checkBlock(block, parameters: [
            ("w_exp", block.expand!.weight), ("g1", block.bn1!.weight), ("b1", block.bn1!.bias),
            ("w_dw", block.depthwise.weight), ("g2", block.bn2.weight), ("b2", block.bn2.bias),
            ("w_se1", block.squeezeExcite.reduceWeight), ("b_se1", block.squeezeExcite.reduceBias),
            ("w_se2", block.squeezeExcite.expandWeight), ("b_se2", block.squeezeExcite.expandBias),
            ("w_proj", block.project.weight), ("g3", block.bn3.weight), ("b3", block.bn3.bias),
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

extension GoldenCase {
    /// `checkLayer` for composite blocks and attention: the README allows 1e-4 on their
    /// forward outputs (instead of 1e-5 for single ops); gradients stay at 1e-4.
    func checkBlock(_ layer: some Layer, parameters: [(String, Parameter)],
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (key, p) in parameters { try load(key, into: p) }
        let y = layer.forward(try tensor("x"))
        try expectOutput(y, tolerance: GoldenCase.gradientTolerance, sourceLocation: sourceLocation)
        layer.zeroGrad()
        let dx = layer.backward(try tensor("dy"))
        try expectGradient(dx, "dx", sourceLocation: sourceLocation)
        for (key, p) in parameters { try expectGradient(p.grad, "d" + key, sourceLocation: sourceLocation) }
        #expect(Set(parameters.map { ObjectIdentifier($0.1) }) == Set(layer.namedParameters().map { ObjectIdentifier($0.1) }),
                "\(name): the golden case and the layer must cover the same parameters", sourceLocation: sourceLocation)
    }
}
