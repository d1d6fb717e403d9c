import Tensor

/// Group normalisation of `[N, C, H, W]` (PyTorch `nn.GroupNorm`): each image's channels are
/// split into `groups` groups, each normalised over its channels and pixels (biased variance),
/// then scaled and shifted per channel by `weight` (init 1) and `bias` (init 0), which do not
/// decay. Independent of the batch size and the same in training and inference. Forward keeps
/// the normalised input and 1/std per (image, group); work splits over (image, group).
package final class GroupNorm: Layer {
    package let groups: Int
    package let channels: Int
    package let epsilon: Float
    package let weight: Parameter
    package let bias: Parameter
    package var isTraining = true
    private var normalized: Tensor?
    private var inverseStd: Tensor?

    package init(groups: Int, channels: Int, epsilon: Float = 1e-5) {
        precondition(groups > 0 && channels % groups == 0, "GroupNorm: \(channels) channels in \(groups) groups")
        self.groups = groups
        self.channels = channels
        self.epsilon = epsilon
        weight = Parameter(name: "weight", value: Tensor(shape: [channels], repeating: 1), decays: false)
        bias = Parameter(name: "bias", value: Tensor(zeros: [channels]), decays: false)
    }

    package var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }

    package func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = input.nchw
        precondition(c == channels, "GroupNorm(\(channels)): input \(input.shape)")
        let (plane, perGroup) = (h * w, c / groups)
        let size = perGroup * plane
        let output = Tensor(uninitialized: input.shape), xhat = Tensor(uninitialized: input.shape), invStd = Tensor(zeros: [n * groups])
        let (x, y, xh, inv) = (input.data, output.data, xhat.data, invStd.data)
        let (gamma, beta, groups, epsilon) = (weight.value.data, bias.value.data, self.groups, self.epsilon)
        Parallel.forEach(n * groups) { ng in
            let base = ng * size  // the group's channels are contiguous in NCHW
            let mean = Float(Double(Vector.sum(size, x + base)) / Double(size))
            var squares: Float = 0
            for i in 0..<size { let d = x[base + i] - mean; squares += d * d }
            let s = 1 / (squares / Float(size) + epsilon).squareRoot()
            inv[ng] = s
            for k in 0..<perGroup {
                let ch = (ng % groups) * perGroup + k
                let offset = base + k * plane
                for j in 0..<plane {
                    let v = (x[offset + j] - mean) * s
                    xh[offset + j] = v
                    y[offset + j] = gamma[ch] * v + beta[ch]
                }
            }
        }
        normalized = xhat
        inverseStd = invStd
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let normalized, let inverseStd else { preconditionFailure("GroupNorm.backward called before forward") }
        precondition(dOutput.shape == normalized.shape, "GroupNorm: dOutput \(dOutput.shape) for \(normalized.shape)")
        let (n, c, h, w) = normalized.nchw
        let (plane, perGroup) = (h * w, c / groups)
        let size = perGroup * plane
        let dInput = Tensor(uninitialized: normalized.shape)
        let (dy, xh, dx, inv, gamma, groups) = (dOutput.data, normalized.data, dInput.data, inverseStd.data,
                                                weight.value.data, self.groups)
        // Per-(image, channel) sums for the parameter gradients, reduced over images afterwards.
        let sums = Tensor(zeros: [n, c, 2])
        Parallel.forEach(n * groups) { ng in
            let (image, base) = (ng / groups, ng * size)
            var sumG: Float = 0, sumGX: Float = 0
            for k in 0..<perGroup {
                let ch = (ng % groups) * perGroup + k
                let offset = base + k * plane
                let dot = Vector.dot(plane, dy + offset, xh + offset), total = Vector.sum(plane, dy + offset)
                sums.data[(image * c + ch) * 2] = dot
                sums.data[(image * c + ch) * 2 + 1] = total
                sumG += gamma[ch] * total
                sumGX += gamma[ch] * dot
            }
            let (meanG, meanGX, s) = (sumG / Float(size), sumGX / Float(size), inv[ng])
            for k in 0..<perGroup {
                let ch = (ng % groups) * perGroup + k
                let offset = base + k * plane
                for j in 0..<plane {
                    dx[offset + j] = s * (gamma[ch] * dy[offset + j] - meanG - xh[offset + j] * meanGX)
                }
            }
        }
        for image in 0..<n {
            for ch in 0..<c {
                weight.grad.data[ch] += sums.data[(image * c + ch) * 2]
                bias.grad.data[ch] += sums.data[(image * c + ch) * 2 + 1]
            }
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { 5 * inputShape.reduce(1, *) }
}
