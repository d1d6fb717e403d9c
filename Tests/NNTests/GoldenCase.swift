import Foundation
import Testing
import Tensor
import NN

/// One PyTorch reference case from `../shared/golden/<name>.safetensors` (see its README).
///
/// `y` is the forward output, `dy` the upstream gradient, `d<name>` the gradient of
/// `sum(y * dy)` with respect to `<name>`. Comparisons measure the largest absolute difference
/// against the expected tensor's largest magnitude, with the README's tolerances.
struct GoldenCase {
    /// `<package root>/../shared/golden`, located from this file, not the working directory.
    static let directory: URL = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("../shared/golden").standardized

    /// True when the golden directory exists; tests are skipped (with a message) otherwise.
    static var available: Bool { FileManager.default.fileExists(atPath: directory.appendingPathComponent("CASES.json").path) }

    static let skipMessage: Comment = "golden cases not found at ../shared/golden (relative to the package root); skipped"

    /// Forward outputs of single ops.
    static let forwardTolerance: Float = 1e-5
    /// Gradients, and forward outputs of composite blocks and attention.
    static let gradientTolerance: Float = 1e-4

    let name: String
    let file: SafeTensors

    init(_ name: String) throws {
        self.name = name
        file = try SafeTensors(contentsOf: Self.directory.appendingPathComponent("\(name).safetensors"))
    }

    func tensor(_ key: String) throws -> Tensor { try file.tensor(key) }
    func integers(_ key: String) throws -> [Int] { try file.integers(key) }
    func has(_ key: String) -> Bool { file.entry(key) != nil }
    var metadata: [String: String] { file.metadata }

    /// Copies the stored tensor `key` into `parameter`'s value (shapes must agree).
    func load(_ key: String, into parameter: Parameter) throws {
        let t = try tensor(key)
        #expect(t.shape == parameter.value.shape, "\(name): \(key) is \(t.shape), parameter is \(parameter.value.shape)")
        parameter.value.assign(t)
    }

    /// Relative error of `actual` against stored `key`: max |a - e| / max |e|.
    func relativeError(_ actual: Tensor, _ key: String) throws -> Float {
        let expected = try tensor(key)
        guard expected.count == actual.count else { return .infinity }
        var diff: Float = 0
        for i in 0..<expected.count { diff = max(diff, abs(actual.data[i] - expected.data[i])) }
        if diff.isNaN { return .infinity }
        return diff / max(expected.maxAbs(), 1e-12)
    }

    /// Records an issue unless `actual` matches stored `key` in shape and within `tolerance`.
    func expectClose(_ actual: Tensor, _ key: String, tolerance: Float,
                     sourceLocation: SourceLocation = #_sourceLocation) throws {
        let expected = try tensor(key)
        #expect(actual.shape == expected.shape, "\(name).\(key): shape \(actual.shape), expected \(expected.shape)",
                sourceLocation: sourceLocation)
        let error = try relativeError(actual, key)
        #expect(error <= tolerance, "\(name).\(key): relative error \(error) > \(tolerance)", sourceLocation: sourceLocation)
    }

    /// Compares a forward output (`y` by default) at the forward tolerance.
    func expectOutput(_ actual: Tensor, _ key: String = "y", tolerance: Float = GoldenCase.forwardTolerance,
                      sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectClose(actual, key, tolerance: tolerance, sourceLocation: sourceLocation)
    }

    /// Compares a gradient (`dx`, `dweight`, …) at the gradient tolerance.
    func expectGradient(_ actual: Tensor, _ key: String, tolerance: Float = GoldenCase.gradientTolerance,
                        sourceLocation: SourceLocation = #_sourceLocation) throws {
        try expectClose(actual, key, tolerance: tolerance, sourceLocation: sourceLocation)
    }

    /// Runs a one-input layer on `x`, backward on `dy`, and compares `y`, `dx` and, for each
    /// `(key, parameter)`, the parameter's gradient with `d<key>`. Loads each parameter from
    /// `<key>` first.
    func checkLayer(_ layer: some Layer, parameters: [(String, Parameter)] = [],
                    sourceLocation: SourceLocation = #_sourceLocation) throws {
        for (key, p) in parameters { try load(key, into: p) }
        let y = layer.forward(try tensor("x"))
        try expectOutput(y, sourceLocation: sourceLocation)
        layer.zeroGrad()
        let dx = layer.backward(try tensor("dy"))
        try expectGradient(dx, "dx", sourceLocation: sourceLocation)
        for (key, p) in parameters { try expectGradient(p.grad, "d" + key, sourceLocation: sourceLocation) }
    }
}
