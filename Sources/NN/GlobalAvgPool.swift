import Tensor

/// Global average pooling `[N, C, H, W] -> [N, C]` (mean over each plane).
///
/// Backward spreads `dy / (H * W)` evenly over the plane. Forward keeps only the input shape.
package final class GlobalAvgPool: Layer {
    package var isTraining = true
    private var inputShape: [Int]?

    package init() {}

    package func forward(_ input: Tensor) -> Tensor {
        let (n, c, h, w) = input.nchw
        inputShape = input.shape
        let plane = h * w
        let output = Tensor(uninitialized: [n, c])
        let (x, y) = (input.data, output.data)
        Parallel.forEach(n * c, minimumPerThread: 16) { i in
            y[i] = Vector.sum(plane, x + i * plane) / Float(plane)
        }
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("GlobalAvgPool.backward called before forward") }
        let (n, c, h, w) = (inputShape[0], inputShape[1], inputShape[2], inputShape[3])
        precondition(dOutput.shape == [n, c], "GlobalAvgPool: dOutput \(dOutput.shape) for input \(inputShape)")
        let plane = h * w
        let dInput = Tensor(zeros: inputShape)
        let (dy, dx) = (dOutput.data, dInput.data)
        Parallel.forEach(n * c, minimumPerThread: 16) { i in
            (dx + i * plane).update(repeating: dy[i] / Float(plane), count: plane)
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { inputShape.reduce(1, *) }
}
