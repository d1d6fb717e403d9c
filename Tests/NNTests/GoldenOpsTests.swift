import Foundation
import Testing
import Tensor
@testable import NN

/// Agreement with PyTorch on the golden cases for single ops (see `GoldenCase`).
@Suite(.enabled(if: GoldenCase.available, GoldenCase.skipMessage))
struct GoldenOpsTests {
    @Test(arguments: [
        ("relu", Activation.Kind.relu), ("silu", .silu), ("sigmoid", .sigmoid),
        ("gelu_erf", .geluErf), ("gelu_tanh", .geluTanh), ("hardswish", .hardswish),
    ])
    func activation(caseName: String, kind: Activation.Kind) throws {
        try GoldenCase(caseName).checkLayer(Activation(kind))
    }

    @Test func linear() throws {
        var rng = RandomSource(seed: 1)
        let layer = Linear(7, 3, rng: &rng)
        try GoldenCase("linear").checkLayer(layer, parameters: [("weight", layer.weight), ("bias", layer.bias!)])
    }

    @Test(arguments: ["conv2d_3x3_s1_p1", "conv2d_3x3_s2_p1", "conv2d_1x1", "conv2d_3x3_groups4_dil2",
                      "conv2d_5x5_s2_p2_nobias", "depthwise_3x3_s1_p1", "depthwise_3x3_s2_p1"])
    func conv2d(caseName: String) throws {
        let golden = try GoldenCase(caseName)
        let w = try golden.tensor("weight")
        func param(_ key: String) throws -> Int {
            guard let text = golden.metadata[key], let value = Int(text) else {
                throw NNError(.invalidArgument, "\(caseName) lacks metadata \(key)")
            }
            return value
        }
        var rng = RandomSource(seed: 1)
        let groups = try param("groups")
        let layer = Conv2d(w.shape[1] * groups, w.shape[0], kernel: w.shape[2], stride: try param("stride"),
                           padding: try param("padding"), dilation: try param("dilation"), groups: groups,
                           bias: golden.has("bias"), rng: &rng)
        if caseName.hasPrefix("depthwise") {
            #expect(layer.geometry(for: try golden.tensor("x").shape).isDepthwise, "depthwise case must take the direct kernel")
        }
        try golden.checkLayer(layer, parameters: [("weight", layer.weight)] + (layer.bias.map { [("bias", $0)] } ?? []))
    }

    @Test func batchNormTrainingUpdatesRunningStatistics() throws {
        let golden = try GoldenCase("batchnorm2d_train")
        let layer = BatchNorm2d(3)
        layer.runningMean.assign(try golden.tensor("running_mean_before"))
        layer.runningVar.assign(try golden.tensor("running_var_before"))
        try golden.checkLayer(layer, parameters: [("weight", layer.weight), ("bias", layer.bias)])
        try golden.expectOutput(layer.runningMean, "running_mean_after")
        try golden.expectOutput(layer.runningVar, "running_var_after")
    }

    @Test func batchNormEvalUsesRunningStatistics() throws {
        let golden = try GoldenCase("batchnorm2d_eval")
        let layer = BatchNorm2d(3)
        layer.runningMean.assign(try golden.tensor("running_mean"))
        layer.runningVar.assign(try golden.tensor("running_var"))
        layer.setTraining(false)
        try golden.checkLayer(layer, parameters: [("weight", layer.weight), ("bias", layer.bias)])
        try golden.expectOutput(layer.runningMean, "running_mean")
    }

    @Test func layerNormLastDimension() throws {
        let layer = LayerNorm(8)
        try GoldenCase("layernorm_lastdim").checkLayer(layer, parameters: [("weight", layer.weight), ("bias", layer.bias)])
    }

    @Test func groupNorm() throws {
        let layer = GroupNorm(groups: 4, channels: 8)
        try GoldenCase("groupnorm_g4").checkLayer(layer, parameters: [("weight", layer.weight), ("bias", layer.bias)])
    }

    @Test func softmaxLastDimension() throws {
        try GoldenCase("softmax_lastdim").checkLayer(Softmax())
    }

    @Test func globalAveragePool() throws {
        try GoldenCase("global_avgpool").checkLayer(GlobalAvgPool())
    }

    @Test func pools() throws {
        try GoldenCase("maxpool_2x2_s2").checkLayer(MaxPool2d(kernel: 2, stride: 2))
        try GoldenCase("avgpool_3x3_s2_p1").checkLayer(AvgPool2d(kernel: 3, stride: 2, padding: 1))
    }

    @Test func resizing() throws {
        try GoldenCase("bilinear_up2").checkLayer(Upsample(.bilinear, scale: 2))
        try GoldenCase("bilinear_to_13x9").checkLayer(Upsample(.bilinear, height: 13, width: 9))
        try GoldenCase("bilinear_down_to_4x3").checkLayer(Upsample(.bilinear, height: 4, width: 3))
        try GoldenCase("nearest_up2").checkLayer(Upsample(.nearest, scale: 2))
    }

    /// Compares a scalar loss and its logits gradient (`dy` is the upstream scalar).
    private func checkLoss(_ golden: GoldenCase, loss: Float, backward: (Float) -> Tensor) throws {
        try golden.expectOutput(Tensor(shape: [], values: [loss]))
        let dy = try golden.tensor("dy").item
        try golden.expectGradient(backward(dy), "dx")
    }

    @Test func crossEntropyWeightedSmoothed() throws {
        let golden = try GoldenCase("cross_entropy_weighted_smoothed")
        let targets = try golden.integers("target")
        #expect(targets.contains(-100), "the case should exercise ignore_index")
        let loss = CrossEntropyLoss(classWeights: try golden.tensor("class_weight"), labelSmoothing: 0.1)
        try checkLoss(golden, loss: loss.forward(try golden.tensor("x"), targets: targets), backward: { loss.backward(scale: $0) })
    }

    @Test func crossEntropyPerPixel() throws {
        let golden = try GoldenCase("cross_entropy_2d")
        let loss = CrossEntropyLoss()
        try checkLoss(golden, loss: loss.forward(try golden.tensor("x"), targets: try golden.integers("target")),
                      backward: { loss.backward(scale: $0) })
    }

    @Test func diceSoft() throws {
        let golden = try GoldenCase("dice_soft")
        let loss = DiceLoss()
        try checkLoss(golden, loss: loss.forward(try golden.tensor("x"), targets: try golden.integers("target")),
                      backward: { loss.backward(scale: $0) })
    }

    @Test func bceWithLogitsMasked() throws {
        let golden = try GoldenCase("bce_logits_masked")
        let loss = BCEWithLogitsLoss()
        let value = loss.forward(try golden.tensor("x"), targets: try golden.tensor("target"), mask: try golden.tensor("mask"))
        try checkLoss(golden, loss: value, backward: { loss.backward(scale: $0) })
    }

    /// Every case this suite tests (the Swin, MBConv, squeeze-excite, patch-merging and AdamW
    /// cases belong to the suites of those blocks).
    static let ownedCases = [
        "conv2d_3x3_s1_p1", "conv2d_3x3_s2_p1", "conv2d_1x1", "conv2d_3x3_groups4_dil2", "conv2d_5x5_s2_p2_nobias",
        "depthwise_3x3_s1_p1", "depthwise_3x3_s2_p1", "linear", "batchnorm2d_train", "batchnorm2d_eval",
        "layernorm_lastdim", "groupnorm_g4", "relu", "silu", "sigmoid", "gelu_erf", "gelu_tanh", "hardswish",
        "softmax_lastdim", "maxpool_2x2_s2", "avgpool_3x3_s2_p1", "global_avgpool", "bilinear_up2",
        "bilinear_to_13x9", "bilinear_down_to_4x3", "nearest_up2", "cross_entropy_weighted_smoothed",
        "cross_entropy_2d", "dice_soft", "bce_logits_masked",
    ]

    @Test func harnessSeesTheGeluFormSlip() throws {
        // The tanh form on the erf case must exceed the tolerance, or the harness could not fail.
        let golden = try GoldenCase("gelu_erf")
        let y = Activation(.geluTanh).forward(try golden.tensor("x"))
        let error = try golden.relativeError(y, "y")
        #expect(error > 2 * GoldenCase.forwardTolerance, "tanh vs erf error \(error)")
    }

    @Test func goldenDirectoryHoldsTheCasesThisSuiteNames() throws {
        let listed = try String(contentsOf: GoldenCase.directory.appendingPathComponent("CASES.json"), encoding: .utf8)
        for name in Self.ownedCases {
            #expect(listed.contains("\"\(name)\""), "CASES.json lacks \(name)")
        }
    }
}
