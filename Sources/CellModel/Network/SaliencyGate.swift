import Foundation
import NN
import Tensor

/// The learned saliency gate of SG-CLDFF: `s = sigmoid(conv1x1(x))`, output `x * (1 + s)`.
///
/// Input `[N, C, H, W]`, gate map `s` `[N, 1, H, W]`. The `1 +` keeps every feature alive while
/// letting the gate amplify cell regions up to twice. The gate's logits (before the sigmoid)
/// are kept after `forward` so a saliency loss (BCE against the cell mask) can supervise them;
/// `backward` takes that loss's gradient as `dLogits` and adds it to the gate's own path.
package final class SaliencyGate: Module {
    package var isTraining = true
    package let conv: Conv2d
    private var input: Tensor?
    /// Gate logits `[N, 1, H, W]` of the last forward pass.
    package private(set) var logits: Tensor?
    /// Gate values `sigmoid(logits)` of the last forward pass.
    package private(set) var gate: Tensor?

    package init(channels: Int, rng: inout RandomSource) {
        conv = Conv2d(channels, 1, kernel: 1, rng: &rng)
    }

    package var children: [(String, any Module)] { [("conv", conv)] }

    package func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = input.nchw
        let logits = conv.forward(input)
        let gate = Tensor(zeros: logits.shape)
        for i in 0..<gate.count { gate.data[i] = 1 / (1 + exp(-logits.data[i])) }
        let output = Tensor(zeros: input.shape)
        let plane = h * w
        Parallel.forEach(n * c) { nc in
            let g = gate.data + (nc / c) * plane
            let x = input.data + nc * plane, y = output.data + nc * plane
            for p in 0..<plane { y[p] = x[p] * (1 + g[p]) }
        }
        self.input = input
        self.logits = logits
        self.gate = gate
        return output
    }

    /// Gradient with respect to the input, given the output's gradient and, optionally, a
    /// loss gradient with respect to the gate logits.
    package func backward(_ dOutput: Tensor, dLogits extra: Tensor? = nil) -> Tensor {
        guard let input, let gate else { preconditionFailure("SaliencyGate.backward before forward") }
        let (n, c, h, w) = input.nchw
        let plane = h * w
        let dInput = Tensor(zeros: input.shape)
        let dLogits = Tensor(zeros: gate.shape)
        Parallel.forEach(n) { image in
            let g = gate.data + image * plane, dl = dLogits.data + image * plane
            for channel in 0..<c {
                let offset = (image * c + channel) * plane
                let x = input.data + offset, dy = dOutput.data + offset, dx = dInput.data + offset
                for p in 0..<plane {
                    dx[p] = dy[p] * (1 + g[p])
                    dl[p] += dy[p] * x[p]
                }
            }
            for p in 0..<plane { dl[p] *= g[p] * (1 - g[p]) }
        }
        if let extra { dLogits.add(extra) }
        dInput.add(conv.backward(dLogits))
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int {
        conv.flops(inputShape: inputShape) + 2 * inputShape.reduce(1, *)
    }
}
