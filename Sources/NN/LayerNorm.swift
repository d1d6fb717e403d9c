import Tensor

/// Layer normalisation over one axis: the last dimension of tokens `[..., C]` (PyTorch
/// `nn.LayerNorm(C)`), or the channels of `[N, C, H, W]` at each pixel (`.channels`).
///
/// `y = (x - mean) / sqrt(var + eps) * weight + bias` with the biased variance; `weight` (init
/// 1) and `bias` (init 0) are `[C]` and do not decay. Forward keeps the normalised input and
/// 1/std per row. Rows split over threads.
package final class LayerNorm: Layer {
    package enum Axis: Sendable { case last, channels }

    package let features: Int
    package let axis: Axis
    package let epsilon: Float
    package let weight: Parameter
    package let bias: Parameter
    package var isTraining = true
    private var normalized: Tensor?
    private var inverseStd: Tensor?

    package init(_ features: Int, axis: Axis = .last, epsilon: Float = 1e-5) {
        self.features = features
        self.axis = axis
        self.epsilon = epsilon
        weight = Parameter(name: "weight", value: Tensor(shape: [features], repeating: 1), decays: false)
        bias = Parameter(name: "bias", value: Tensor(zeros: [features]), decays: false)
    }

    package var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    /// (rows, stride between features, row start) for the layout.
    private func layout(_ shape: [Int]) -> (rows: Int, stride: Int, start: (Int) -> Int) {
        switch axis {
        case .last:
            precondition(shape.count >= 1 && shape.last == features, "LayerNorm(\(features)): input \(shape)")
            let c = features
            return (shape.reduce(1, *) / c, 1, { $0 * c })
        case .channels:
            precondition(shape.count == 4 && shape[1] == features, "LayerNorm(\(features), channels): input \(shape)")
            let (c, plane) = (shape[1], shape[2] * shape[3])
            return (shape[0] * plane, plane, { ($0 / plane) * c * plane + $0 % plane })
        }
    }

    package func forward(_ input: Tensor) -> Tensor {
        let (rows, stride, start) = layout(input.shape)
        let output = Tensor(uninitialized: input.shape), xhat = Tensor(uninitialized: input.shape), invStd = Tensor(zeros: [max(rows, 1)])
        let (x, y, xh, inv, c, epsilon) = (input.data, output.data, xhat.data, invStd.data, features, self.epsilon)
        let (gamma, beta) = (weight.value.data, bias.value.data)
        Parallel.forEachRange(rows, grain: 64) { range in
            for r in range {
                let base = start(r)
                var sum: Float = 0
                for j in 0..<c { sum += x[base + j * stride] }
                let mean = sum / Float(c)
                var squares: Float = 0
                for j in 0..<c { let d = x[base + j * stride] - mean; squares += d * d }
                let s = 1 / (squares / Float(c) + epsilon).squareRoot()
                inv[r] = s
                for j in 0..<c {
                    let i = base + j * stride
                    xh[i] = (x[i] - mean) * s
                    y[i] = xh[i] * gamma[j] + beta[j]
                }
            }
        }
        normalized = xhat
        inverseStd = invStd
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let normalized, let inverseStd else { preconditionFailure("LayerNorm.backward called before forward") }
        precondition(dOutput.shape == normalized.shape, "LayerNorm: dOutput \(dOutput.shape) for \(normalized.shape)")
        let (rows, stride, start) = layout(normalized.shape)
        let dInput = Tensor(uninitialized: normalized.shape)
        let (dy, xh, dx, inv, c) = (dOutput.data, normalized.data, dInput.data, inverseStd.data, features)
        let gamma = weight.value.data
        // Parameter gradients need a sum over rows: fixed chunks of rows sum privately, then in
        // order, so the result does not depend on the thread count.
        let chunks = max(1, (rows + 255) / 256)
        let partials = Tensor(zeros: [chunks, 2, c])
        Parallel.forEach(chunks) { chunk in
            let dGamma = partials.data + chunk * 2 * c, dBeta = dGamma + c
            for r in rows * chunk / chunks ..< rows * (chunk + 1) / chunks {
                let base = start(r)
                var sumG: Float = 0, sumGX: Float = 0
                for j in 0..<c {
                    let i = base + j * stride
                    dGamma[j] += dy[i] * xh[i]
                    dBeta[j] += dy[i]
                    let g = dy[i] * gamma[j]
                    sumG += g
                    sumGX += g * xh[i]
                }
                let (meanG, meanGX, s) = (sumG / Float(c), sumGX / Float(c), inv[r])
                for j in 0..<c {
                    let i = base + j * stride
                    dx[i] = s * (dy[i] * gamma[j] - meanG - xh[i] * meanGX)
                }
            }
        }
        for chunk in 0..<chunks {
            Vector.axpy(c, 1, partials.data + chunk * 2 * c, weight.grad.data)
            Vector.axpy(c, 1, partials.data + chunk * 2 * c + c, bias.grad.data)
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { 5 * inputShape.reduce(1, *) }
}
