import Tensor

/// Squeeze-and-excitation: rescales each channel by a gate computed from the global mean.
///
/// On `[N, C, H, W]`: `p = mean_hw(x)` `[N, C]`; `s = sigmoid(W2 silu(W1 p + b1) + b2)`;
/// `y[n, c] = x[n, c] * s[n, c]`. `W1` is `[R, C, 1, 1]` (`conv_reduce`), `W2` `[C, R, 1, 1]`
/// (`conv_expand`), as 1x1 convolutions in timm/EfficientNet; the hidden activation is SiLU
/// and the gate sigmoid. The pooled vector is tiny, so the two products are plain loops.
/// Forward keeps the input, pooled vector, hidden pre-activation and gate.
package final class SqueezeExcite: Layer {
    package var isTraining = true
    package let channels: Int
    package let reduced: Int
    package let reduceWeight: Parameter
    package let reduceBias: Parameter
    package let expandWeight: Parameter
    package let expandBias: Parameter

    private var savedInput: Tensor?
    private var savedPooled: Tensor?
    private var savedHidden: Tensor?
    private var savedGate: Tensor?

    /// PyTorch's default 1x1-conv initialisation: uniform in `+-1/sqrt(fan_in)` for weights and biases.
    package init(channels: Int, reduced: Int, rng: inout RandomSource) {
        precondition(channels > 0 && reduced > 0, "SqueezeExcite: channel counts must be positive")
        self.channels = channels
        self.reduced = reduced
        let b1 = 1 / Float(channels).squareRoot(), b2 = 1 / Float(reduced).squareRoot()
        reduceWeight = Parameter(name: "conv_reduce.weight", value: .randomUniform([reduced, channels, 1, 1], -b1, b1, rng: &rng))
        reduceBias = Parameter(name: "conv_reduce.bias", value: .randomUniform([reduced], -b1, b1, rng: &rng), decays: false)
        expandWeight = Parameter(name: "conv_expand.weight", value: .randomUniform([channels, reduced, 1, 1], -b2, b2, rng: &rng))
        expandBias = Parameter(name: "conv_expand.bias", value: .randomUniform([channels], -b2, b2, rng: &rng), decays: false)
    }

    package var localParameters: [(String, Parameter)] {
        [("conv_reduce.weight", reduceWeight), ("conv_reduce.bias", reduceBias),
         ("conv_expand.weight", expandWeight), ("conv_expand.bias", expandBias)]
    }

    package func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = input.nchw
        precondition(c == channels, "SqueezeExcite: expected \(channels) channels, got \(input.shape)")
        let r = reduced, plane = h * w
        let pooled = Tensor(zeros: [n, c]), hidden = Tensor(zeros: [n, r]), gate = Tensor(zeros: [n, c])
        let x = input.data
        for nc in 0..<(n * c) {
            var sum: Float = 0
            for p in 0..<plane { sum += x[nc * plane + p] }
            pooled.data[nc] = sum / Float(plane)
        }
        let (w1, b1, w2, b2) = (reduceWeight.value.data, reduceBias.value.data, expandWeight.value.data, expandBias.value.data)
        for i in 0..<n {
            for j in 0..<r {
                var z = b1[j]
                for k in 0..<c { z += w1[j * c + k] * pooled.data[i * c + k] }
                hidden.data[i * r + j] = z
            }
            for j in 0..<c {
                var z = b2[j]
                for k in 0..<r { z += w2[j * r + k] * Self.silu(hidden.data[i * r + k]) }
                gate.data[i * c + j] = Self.sigmoid(z)
            }
        }
        let output = Tensor(uninitialized: input.shape)
        let (y, s) = (output.data, gate.data)
        Parallel.forEach(n * c, minimumPerThread: 8) { nc in
            let g = s[nc]
            for p in 0..<plane { y[nc * plane + p] = x[nc * plane + p] * g }
        }
        savedInput = input
        savedPooled = pooled
        savedHidden = hidden
        savedGate = gate
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let input = savedInput, let pooled = savedPooled, let hidden = savedHidden, let gate = savedGate else {
            preconditionFailure("SqueezeExcite.backward called before forward")
        }
        precondition(dOutput.shape == input.shape, "SqueezeExcite: gradient \(dOutput.shape) for input \(input.shape)")
        let (n, c, h, w) = input.nchw
        let r = reduced, plane = h * w
        let (x, dy, s) = (input.data, dOutput.data, gate.data)
        // d gate pre-activation: (sum_hw dy * x) * s (1 - s).
        let dz2 = Tensor(zeros: [n, c])
        for nc in 0..<(n * c) {
            var sum: Float = 0
            for p in 0..<plane { sum += dy[nc * plane + p] * x[nc * plane + p] }
            dz2.data[nc] = sum * s[nc] * (1 - s[nc])
        }
        let (w1, w2) = (reduceWeight.value.data, expandWeight.value.data)
        let (dw1, db1, dw2, db2) = (reduceWeight.grad.data, reduceBias.grad.data, expandWeight.grad.data, expandBias.grad.data)
        let dPooled = Tensor(zeros: [n, c])
        for i in 0..<n {
            var dz1 = [Float](repeating: 0, count: r)
            for j in 0..<c {
                let g = dz2.data[i * c + j]
                db2[j] += g
                for k in 0..<r {
                    dw2[j * r + k] += g * Self.silu(hidden.data[i * r + k])
                    dz1[k] += g * w2[j * r + k]
                }
            }
            for k in 0..<r {
                let z = hidden.data[i * r + k], sig = Self.sigmoid(z)
                let g = dz1[k] * sig * (1 + z * (1 - sig))
                db1[k] += g
                for j in 0..<c {
                    dw1[k * c + j] += g * pooled.data[i * c + j]
                    dPooled.data[i * c + j] += g * w1[k * c + j]
                }
            }
        }
        let dInput = Tensor(uninitialized: input.shape)
        let (dx, dp) = (dInput.data, dPooled.data)
        let invPlane = 1 / Float(plane)
        Parallel.forEach(n * c, minimumPerThread: 8) { nc in
            let g = s[nc], spread = dp[nc] * invPlane
            for p in 0..<plane { dx[nc * plane + p] = dy[nc * plane + p] * g + spread }
        }
        return dInput
    }

    /// Pooling, the two small products and the rescale.
    package func flops(inputShape: [Int]) -> Int {
        let n = inputShape[0], plane = inputShape[2] * inputShape[3]
        return n * (2 * channels * plane + 4 * channels * reduced)
    }

    @inline(__always) static func sigmoid(_ z: Float) -> Float { Activation.sigmoid(z) }
    @inline(__always) static func silu(_ z: Float) -> Float { z * Activation.sigmoid(z) }
}
