import Foundation
import Tensor

/// Softmax over the last dimension of a tensor of any rank (PyTorch `softmax(x, dim=-1)`).
///
/// Subtracts each row's maximum before `exp`, so large logits do not overflow. Forward keeps
/// its output; backward is `dx = y * (dy - sum(dy * y))` per row. Rows split over threads.
package final class Softmax: Layer {
    package var isTraining = true
    private var output: Tensor?

    package init() {}

    package func forward(_ input: Tensor) -> Tensor {
        precondition(input.shape.count >= 1 && input.shape.last! > 0, "Softmax: input \(input.shape)")
        let width = input.shape.last!
        let output = Tensor(uninitialized: input.shape)
        let (x, y) = (input.data, output.data)
        Parallel.forEachRange(input.count / width, grain: 64) { range in
            for r in range { Self.softmaxRow(x + r * width, y + r * width, width) }
        }
        self.output = output
        return output
    }

    /// Writes the softmax of `count` values at `x` (stride 1) into `y`.
    @inline(__always)
    package static func softmaxRow(_ x: UnsafePointer<Float>, _ y: UnsafeMutablePointer<Float>, _ count: Int) {
        var m = -Float.infinity
        for j in 0..<count { m = max(m, x[j]) }
        var sum: Float = 0
        for j in 0..<count {
            let e = exp(x[j] - m)
            y[j] = e
            sum += e
        }
        let inv = 1 / sum
        for j in 0..<count { y[j] *= inv }
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let output else { preconditionFailure("Softmax.backward called before forward") }
        precondition(dOutput.shape == output.shape, "Softmax: dOutput \(dOutput.shape) for \(output.shape)")
        let width = output.shape.last!
        let dInput = Tensor(uninitialized: output.shape)
        let (y, dy, dx) = (output.data, dOutput.data, dInput.data)
        Parallel.forEachRange(output.count / width, grain: 64) { range in
            for r in range {
                let base = r * width
                let inner = Vector.dot(width, dy + base, y + base)
                for j in 0..<width { dx[base + j] = y[base + j] * (dy[base + j] - inner) }
            }
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { 5 * inputShape.reduce(1, *) }
}
