import Tensor

/// MixStyle (Zhou et al., "Domain Generalization with MixStyle", ICLR 2021): a training-time
/// feature augmentation for sources never trained on. A shallow layer's per-channel mean and
/// standard deviation over the pixels carry an image's "style" (its stain and optics); with
/// probability `probability` per batch, each image's style is replaced by a mix of its own and
/// that of another image of the batch:
///
///     out = (x - mu_i) / sigma_i * (l sigma_i + (1 - l) sigma_j) + l mu_i + (1 - l) mu_j
///
/// with `j` a random permutation of the batch and `l ~ Beta(alpha, alpha)` per image. As in
/// the paper the statistics are constants for the gradient (detached), so per (image, channel)
/// the layer is the affine map `out = x * scale + shift` and `dx = dout * scale`. The identity
/// in inference and on batches not drawn for mixing; no parameters. Draws come from the
/// layer's own `RandomSource`, seeded at construction (reproducible, as `Dropout`).
package final class MixStyle: Layer {
    package let probability: Float
    package let alpha: Float
    package let epsilon: Float
    package var isTraining = true
    private var rng: RandomSource
    /// Each image's partner and own weight in the last forward (nil: it was the identity).
    package private(set) var lastMix: (partner: [Int], ownWeight: [Float])?
    /// Per (image, channel) scale of the last mixed forward (nil: it was the identity).
    private var scale: [Float]?
    private var inputShape: [Int]?

    package init(probability: Float, alpha: Float = 0.1, epsilon: Float = 1e-6, seed: UInt64) {
        precondition(probability >= 0 && probability <= 1, "MixStyle probability must be in [0, 1], got \(probability)")
        precondition(alpha > 0, "MixStyle alpha must be positive, got \(alpha)")
        self.probability = probability
        self.alpha = alpha
        self.epsilon = epsilon
        rng = RandomSource(seed: seed)
    }

    package func forward(_ input: Tensor) -> Tensor {
        let (n, _, _, _) = input.nchw
        inputShape = input.shape
        scale = nil
        lastMix = nil
        guard isTraining, n > 1, probability > 0, rng.uniform() < probability else { return input.copy() }
        var partner = Array(0..<n)
        for i in stride(from: n - 1, to: 0, by: -1) { partner.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        let weights = (0..<n).map { _ in rng.beta(alpha) }
        let plan = Self.plan(for: input, partner: partner, ownWeight: weights, epsilon: epsilon)
        scale = plan.scale
        lastMix = (partner, weights)
        return Self.apply(input, scale: plan.scale, shift: plan.shift)
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("MixStyle.backward called before forward") }
        precondition(dOutput.shape == inputShape, "MixStyle: dOutput \(dOutput.shape) for input \(inputShape)")
        guard let scale else { return dOutput.copy() }
        return Self.apply(dOutput, scale: scale, shift: [Float](repeating: 0, count: scale.count))
    }

    package func flops(inputShape: [Int]) -> Int { 0 }

    /// The per (image, channel) affine map that gives image `i` the style
    /// `ownWeight[i] * own + (1 - ownWeight[i]) * partner[i]'s`: `scale = sigma_mix / sigma_i`,
    /// `shift = mu_mix - mu_i * scale` (biased variance over the pixels, `epsilon` inside the root).
    package static func plan(for input: Tensor, partner: [Int], ownWeight: [Float],
                             epsilon: Float) -> (scale: [Float], shift: [Float]) {
        let (n, c, h, w) = input.nchw
        precondition(partner.count == n && ownWeight.count == n, "MixStyle: one partner and weight per image")
        let plane = h * w
        var mean = [Float](repeating: 0, count: n * c), std = [Float](repeating: 0, count: n * c)
        for nc in 0..<(n * c) {
            let x = input.data + nc * plane
            var sum = 0.0, squares = 0.0
            for p in 0..<plane { sum += Double(x[p]); squares += Double(x[p]) * Double(x[p]) }
            let mu = sum / Double(plane)
            mean[nc] = Float(mu)
            std[nc] = Float((max(squares / Double(plane) - mu * mu, 0) + Double(epsilon)).squareRoot())
        }
        var scale = [Float](repeating: 1, count: n * c), shift = [Float](repeating: 0, count: n * c)
        for i in 0..<n {
            let (l, j) = (ownWeight[i], partner[i])
            for ch in 0..<c {
                let (own, other) = (i * c + ch, j * c + ch)
                let mixedStd = l * std[own] + (1 - l) * std[other]
                let mixedMean = l * mean[own] + (1 - l) * mean[other]
                scale[own] = mixedStd / std[own]
                shift[own] = mixedMean - mean[own] * scale[own]
            }
        }
        return (scale, shift)
    }

    /// `x * scale + shift` with one scale and shift per (image, channel) of `[N, C, H, W]`.
    package static func apply(_ input: Tensor, scale: [Float], shift: [Float]) -> Tensor {
        let (n, c, h, w) = input.nchw
        precondition(scale.count == n * c && shift.count == n * c, "MixStyle: one scale and shift per (image, channel)")
        let plane = h * w
        let output = Tensor(uninitialized: input.shape)
        for nc in 0..<(n * c) {
            let (x, y, a, b) = (input.data + nc * plane, output.data + nc * plane, scale[nc], shift[nc])
            for p in 0..<plane { y[p] = x[p] * a + b }
        }
        return output
    }
}
