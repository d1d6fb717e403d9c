import NN
import Tensor

/// Central-difference gradient checker for any differentiable op, layer or loss.
///
/// The scalar loss is `L = sum(r * y)` with `r` a seeded random projection of the output `y`
/// (accumulated in Float64), so the analytic gradient is `backward(r)`. Each checked element of
/// each variable is perturbed by `±step` in place (and restored), and
/// `(L(x + h) - L(x - h)) / 2h` is compared with the analytic value. The error of a variable is
/// the largest `|numeric - analytic|` divided by the largest magnitude among its checked
/// numeric and analytic values (as the golden cases measure), so tiny gradients do not
/// inflate it. Large variables are checked at a seeded random subset of elements.
///
/// The forward runs in Float32, so keep `step` well above Float32 noise (1e-2 for O(1) inputs)
/// and choose inputs away from kinks (`input(_:avoiding:)`, `distinctInput`). A central
/// difference cannot resolve gradients finer than the output's own resolution: each output
/// `y_j` is a Float32, so the numeric estimate is quantised in steps of about
/// `sum_j |r_j| ulp(y_j) / 2h`. Differences up to `resolutionULPs` such steps are not counted
/// as error (they matter only for gradients near that size, e.g. a Float32 scalar loss of
/// magnitude 3 at step 0.1 gives steps of about 1e-6).
package enum GradientCheck {
    /// Step, tolerance and sampling for one check.
    package struct Options: Sendable {
        package var step: Float
        package var tolerance: Double
        package var maxElementsPerVariable: Int
        package var seed: UInt64
        /// Output-resolution steps forgiven per element (see the type's comment); 0 disables.
        package var resolutionULPs: Double

        package init(step: Float = 1e-2, tolerance: Double = 5e-3, maxElementsPerVariable: Int = 48, seed: UInt64 = 1,
                     resolutionULPs: Double = 2) {
            self.step = step
            self.tolerance = tolerance
            self.maxElementsPerVariable = maxElementsPerVariable
            self.seed = seed
            self.resolutionULPs = resolutionULPs
        }
    }

    /// The worst mismatch found for one variable.
    package struct VariableResult: Sendable, CustomStringConvertible {
        package let name: String
        package let error: Double
        package let index: Int
        package let numeric: Double
        package let analytic: Double
        package var description: String {
            "\(name): relative error \(error) at element \(index) (numeric \(numeric), analytic \(analytic))"
        }
    }

    /// The outcome of a check: one result per variable.
    package struct Report: Sendable, CustomStringConvertible {
        package let results: [VariableResult]
        package let tolerance: Double
        package var maxError: Double { results.map(\.error).max() ?? 0 }
        package var passed: Bool { results.allSatisfy { $0.error <= tolerance } }
        package var description: String {
            results.map(\.description).joined(separator: "\n") + "\n(tolerance \(tolerance))"
        }
    }

    /// Checks `backward` against central differences of `forward`.
    ///
    /// - Parameters:
    ///   - variables: named tensors that `forward` reads; perturbed in place and restored.
    ///   - forward: computes the output from the current values of `variables`.
    ///   - backward: given `dOutput`, returns the gradient of each variable, in the same order.
    ///     It is called once, right after a forward on the unperturbed values.
    package static func check(
        _ variables: [(String, Tensor)], options: Options = Options(),
        forward: () -> Tensor, backward: (Tensor) -> [Tensor]
    ) -> Report {
        var rng = RandomSource(seed: options.seed)
        let output = forward()
        let projection = Tensor.randomNormal(output.shape, rng: &rng)
        let gradients = backward(projection)
        precondition(gradients.count == variables.count, "backward returned \(gradients.count) gradients for \(variables.count) variables")
        let analytic = gradients.map { $0.copy() }

        func loss() -> Double {
            let y = forward()
            precondition(y.shape == projection.shape, "forward changed its output shape")
            var sum = 0.0
            for i in 0..<y.count { sum += Double(y.data[i]) * Double(projection.data[i]) }
            return sum
        }

        // The numeric estimate's quantum: one ulp of every output, projected, over 2h.
        var quantum = 0.0
        for j in 0..<output.count { quantum += abs(Double(projection.data[j])) * Double(output.data[j].ulp) }
        quantum /= 2 * Double(options.step)
        let allowance = options.resolutionULPs * quantum

        var results: [VariableResult] = []
        for ((name, value), gradient) in zip(variables, analytic) {
            precondition(gradient.shape == value.shape, "\(name): gradient \(gradient.shape) for value \(value.shape)")
            var indices = Array(0..<value.count)
            if indices.count > options.maxElementsPerVariable {
                indices.shuffle(using: &rng)
                indices = Array(indices.prefix(options.maxElementsPerVariable)).sorted()
            }
            var pairs: [(Int, Double, Double)] = []
            for i in indices {
                let saved = value.data[i]
                value.data[i] = saved + options.step
                let plus = loss()
                value.data[i] = saved - options.step
                let minus = loss()
                value.data[i] = saved
                let actualStep = Double(saved + options.step) - Double(saved - options.step)
                pairs.append((i, (plus - minus) / actualStep, Double(gradient.data[i])))
            }
            let scale = max(pairs.map { max(abs($0.1), abs($0.2)) }.max() ?? 0, 1e-6)
            var worst = VariableResult(name: name, error: 0, index: -1, numeric: 0, analytic: 0)
            for (i, numeric, analyticValue) in pairs {
                let error = max(0, abs(numeric - analyticValue) - allowance) / scale
                if error > worst.error || worst.index < 0 {
                    worst = VariableResult(name: name, error: error, index: i, numeric: numeric, analytic: analyticValue)
                }
            }
            results.append(worst)
        }
        return Report(results: results, tolerance: options.tolerance)
    }

    /// Checks a one-input layer: its input gradient and every parameter gradient.
    ///
    /// Parameter gradients are zeroed before the one backward call, so they must equal the
    /// gradient of this forward alone.
    package static func check(layer: some Layer, input: Tensor, options: Options = Options()) -> Report {
        let parameters = layer.namedParameters()
        return check([("input", input)] + parameters.map { ($0.0, $0.1.value) }, options: options,
                     forward: { layer.forward(input) },
                     backward: { dOutput in
                         layer.zeroGrad()
                         let dInput = layer.backward(dOutput)
                         return [dInput] + parameters.map { $0.1.grad }
                     })
    }
}
