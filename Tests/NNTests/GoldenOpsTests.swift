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

    @Test func harnessSeesTheGeluFormSlip() throws {
        // The tanh form on the erf case must exceed the tolerance, or the harness could not fail.
        let golden = try GoldenCase("gelu_erf")
        let y = Activation(.geluTanh).forward(try golden.tensor("x"))
        let error = try golden.relativeError(y, "y")
        #expect(error > 2 * GoldenCase.forwardTolerance, "tanh vs erf error \(error)")
    }

    @Test func goldenDirectoryHoldsTheCasesThisSuiteNames() throws {
        let listed = try String(contentsOf: GoldenCase.directory.appendingPathComponent("CASES.json"), encoding: .utf8)
        for name in ["relu", "silu", "sigmoid", "gelu_erf", "gelu_tanh", "hardswish", "linear"] {
            #expect(listed.contains("\"\(name)\""), "CASES.json lacks \(name)")
        }
    }
}
