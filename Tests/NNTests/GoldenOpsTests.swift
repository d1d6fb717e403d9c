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
