import Tensor

/// Batch normalisation over `[N, C, H, W]` per channel (PyTorch `nn.BatchNorm2d`).
///
/// Training: normalises with the batch mean and biased variance over N, H, W, and updates
/// `running_mean` / `running_var` as `(1 - momentum) * old + momentum * batch`, using the
/// unbiased batch variance for `running_var` (PyTorch's convention; momentum 0.1 default).
/// Inference (`isTraining == false`): normalises with the running statistics; backward is then
/// the affine map only. `weight` (gamma, init 1) and `bias` (beta, init 0) do not decay.
/// Forward keeps the normalised input and per-channel 1/std for backward. Work splits over channels.
package final class BatchNorm2d: Layer {
    package let channels: Int
    /// Weight of a training batch's statistics in the running ones; settable so that a
    /// re-estimation can average batches evenly (`BatchNormAdaptation`).
    package var momentum: Float
    package let epsilon: Float
    package let weight: Parameter
    package let bias: Parameter
    package let runningMean: Tensor
    package let runningVar: Tensor
    package var isTraining = true
    private var normalized: Tensor?
    private var inverseStd: Tensor?
    private var trainedForward = true

    package init(_ channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        self.channels = channels
        self.momentum = momentum
        self.epsilon = epsilon
        weight = Parameter(name: "weight", value: Tensor(shape: [channels], repeating: 1), decays: false)
        bias = Parameter(name: "bias", value: Tensor(zeros: [channels]), decays: false)
        runningMean = Tensor(zeros: [channels])
        runningVar = Tensor(shape: [channels], repeating: 1)
    }

    package var localParameters: [(String, Parameter)] { [("weight", weight), ("bias", bias)] }
    /// The running statistics and affine weights folded into one scale and shift per channel
    /// (`x * scale + shift`), for `ChannelEpilogue` at inference.
    package var inferenceScaleShift: (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: channels), shift = scale
        for c in 0..<channels {
            let s = weight.value.data[c] / (runningVar.data[c] + epsilon).squareRoot()
            scale[c] = s
            shift[c] = bias.value.data[c] - runningMean.data[c] * s
        }
        return (scale, shift)
    }

    package var localBuffers: [(String, Tensor)] { [("running_mean", runningMean), ("running_var", runningVar)] }

    package func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = input.nchw
        precondition(c == channels, "BatchNorm2d(\(channels)): input \(input.shape)")
        let plane = h * w, count = n * plane
        precondition(!isTraining || count > 1, "BatchNorm2d in training needs more than one value per channel, got \(input.shape)")
        let output = Tensor(uninitialized: input.shape), xhat = Tensor(uninitialized: input.shape), invStd = Tensor(zeros: [c])
        let (x, y, xh, inv) = (input.data, output.data, xhat.data, invStd.data)
        let (gamma, beta, rm, rv) = (weight.value.data, bias.value.data, runningMean.data, runningVar.data)
        let (training, momentum, epsilon) = (isTraining, self.momentum, self.epsilon)
        Parallel.forEach(c) { ch in
            var mean: Float, variance: Float
            if training {
                var sum = 0.0
                for i in 0..<n { sum += Double(Vector.sum(plane, x + (i * c + ch) * plane)) }
                let m = sum / Double(count)
                var squares = 0.0
                for i in 0..<n {
                    let row = x + (i * c + ch) * plane
                    var partial: Float = 0
                    let mf = Float(m)
                    for j in 0..<plane { partial += (row[j] - mf) * (row[j] - mf) }
                    squares += Double(partial)
                }
                mean = Float(m)
                variance = Float(squares / Double(count))
                rm[ch] = (1 - momentum) * rm[ch] + momentum * mean
                rv[ch] = (1 - momentum) * rv[ch] + momentum * Float(squares / Double(count - 1))
            } else {
                mean = rm[ch]
                variance = rv[ch]
            }
            let s = 1 / (variance + epsilon).squareRoot()
            inv[ch] = s
            let (g, b) = (gamma[ch], beta[ch])
            for i in 0..<n {
                let offset = (i * c + ch) * plane
                for j in 0..<plane {
                    let v = (x[offset + j] - mean) * s
                    xh[offset + j] = v
                    y[offset + j] = g * v + b
                }
            }
        }
        normalized = xhat
        inverseStd = invStd
        trainedForward = training
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let normalized, let inverseStd else { preconditionFailure("BatchNorm2d.backward called before forward") }
        precondition(dOutput.shape == normalized.shape, "BatchNorm2d: dOutput \(dOutput.shape) for \(normalized.shape)")
        let (n, c, h, w) = normalized.nchw
        let plane = h * w, count = Float(n * plane)
        let dInput = Tensor(uninitialized: normalized.shape)
        let (dy, xh, dx, inv) = (dOutput.data, normalized.data, dInput.data, inverseStd.data)
        let (gamma, dGamma, dBeta, training) = (weight.value.data, weight.grad.data, bias.grad.data, trainedForward)
        Parallel.forEach(c) { ch in
            var sumDy = 0.0, sumDyXhat = 0.0
            for i in 0..<n {
                let offset = (i * c + ch) * plane
                sumDy += Double(Vector.sum(plane, dy + offset))
                sumDyXhat += Double(Vector.dot(plane, dy + offset, xh + offset))
            }
            dBeta[ch] += Float(sumDy)
            dGamma[ch] += Float(sumDyXhat)
            let scale = gamma[ch] * inv[ch]
            let meanDy = training ? Float(sumDy) / count : 0
            let meanDyXhat = training ? Float(sumDyXhat) / count : 0
            for i in 0..<n {
                let offset = (i * c + ch) * plane
                for j in 0..<plane {
                    dx[offset + j] = scale * (dy[offset + j] - meanDy - xh[offset + j] * meanDyXhat)
                }
            }
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { 2 * inputShape.reduce(1, *) }
}
