import Foundation
import Tensor

/// A pointwise activation of any shape: ReLU, SiLU, sigmoid, GELU (tanh or erf form), hardswish.
///
/// Forward keeps a reference to its input (not a copy: callers must not modify a tensor they
/// passed forward until backward has run) and returns a new tensor; backward returns
/// `dInput = dOutput * f'(input)`. Definitions match PyTorch: `geluErf` is
/// `F.gelu(x)`, `geluTanh` is `F.gelu(x, approximate="tanh")`, hardswish's derivative is
/// 0 below -3, `x / 3 + 0.5` on [-3, 3] and 1 above, ReLU's derivative at 0 is 0. SiLU and
/// sigmoid and the erf GELU (the Swin MLPs'), the network's most frequent activations, run the
/// 8-lane kernels of `Vector.silu` / `Vector.sigmoid` / `Vector.geluErf`; the others run the
/// scalar definitions below.
package final class Activation: Layer {
    package enum Kind: String, Sendable, CaseIterable {
        case relu, silu, sigmoid, geluTanh, geluErf, hardswish
    }

    package let kind: Kind
    package var isTraining = true
    private var input: Tensor?

    package init(_ kind: Kind) { self.kind = kind }

    package func forward(_ input: Tensor) -> Tensor {
        self.input = input
        let output = Tensor(uninitialized: input.shape)
        let x = input.data, y = output.data, kind = self.kind
        Parallel.forEachRange(input.count) { range in
            let n = range.count, xs = x + range.lowerBound, ys = y + range.lowerBound
            switch kind {
            case .silu: Vector.silu(n, xs, ys)
            case .sigmoid: Vector.sigmoid(n, xs, ys)
            case .geluErf: Vector.geluErf(n, xs, ys)
            default: for i in 0..<n { ys[i] = Self.value(kind, xs[i]) }
            }
        }
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let input else { preconditionFailure("Activation.backward called before forward") }
        precondition(dOutput.shape == input.shape, "Activation: dOutput \(dOutput.shape) for input \(input.shape)")
        let dInput = Tensor(uninitialized: input.shape)
        let x = input.data, dy = dOutput.data, dx = dInput.data, kind = self.kind
        Parallel.forEachRange(input.count) { range in
            let n = range.count, o = range.lowerBound
            switch kind {
            case .silu: Vector.siluBackward(n, x + o, dy + o, dx + o)
            case .sigmoid: Vector.sigmoidBackward(n, x + o, dy + o, dx + o)
            case .geluErf: Vector.geluErfBackward(n, x + o, dy + o, dx + o)
            default: for i in range { dx[i] = dy[i] * Self.derivative(kind, x[i]) }
            }
        }
        return dInput
    }

    /// About one operation per element for ReLU, a few for the others; negligible next to convs.
    package func flops(inputShape: [Int]) -> Int { inputShape.reduce(1, *) * (kind == .relu ? 1 : 4) }

    /// The logistic function, computed without overflow for large |x|.
    @inline(__always)
    package static func sigmoid(_ x: Float) -> Float {
        if x >= 0 { return 1 / (1 + exp(-x)) }
        let e = exp(x)
        return e / (1 + e)
    }

    private static let sqrt2OverPi: Float = 0.797_884_56
    private static let invSqrt2: Float = 0.707_106_78
    private static let invSqrt2Pi: Float = 0.398_942_28

    @inline(__always)
    static func value(_ kind: Kind, _ x: Float) -> Float {
        switch kind {
        case .relu: return x > 0 ? x : 0
        case .silu: return x * sigmoid(x)
        case .sigmoid: return sigmoid(x)
        case .geluErf: return 0.5 * x * (1 + erf(x * invSqrt2))
        case .geluTanh: return 0.5 * x * (1 + tanh(sqrt2OverPi * (x + 0.044715 * x * x * x)))
        case .hardswish: return x * min(max(x + 3, 0), 6) / 6
        }
    }

    @inline(__always)
    static func derivative(_ kind: Kind, _ x: Float) -> Float {
        switch kind {
        case .relu: return x > 0 ? 1 : 0
        case .silu:
            let s = sigmoid(x)
            return s * (1 + x * (1 - s))
        case .sigmoid:
            let s = sigmoid(x)
            return s * (1 - s)
        case .geluErf:
            return 0.5 * (1 + erf(x * invSqrt2)) + x * invSqrt2Pi * exp(-0.5 * x * x)
        case .geluTanh:
            let t = tanh(sqrt2OverPi * (x + 0.044715 * x * x * x))
            return 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * sqrt2OverPi * (1 + 3 * 0.044715 * x * x)
        case .hardswish:
            if x < -3 { return 0 }
            if x <= 3 { return x / 3 + 0.5 }
            return 1
        }
    }
}
