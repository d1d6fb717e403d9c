import Tensor

/// Max pooling over `[N, C, H, W]` (PyTorch `nn.MaxPool2d`, floor mode, implicit -inf padding).
///
/// Output `(H + 2p - k) / s + 1` per axis. The first maximum in row-major window order wins a
/// tie, as in PyTorch. Forward keeps the flat input index of each maximum; backward routes
/// each output gradient there. Planes split over threads.
package final class MaxPool2d: Layer {
    package let window: PoolWindow
    package var kernel: Int { window.kernel }
    package var stride: Int { window.stride }
    package var padding: Int { window.padding }
    package var isTraining = true
    private var argmax: [Int32] = []
    private var inputShape: [Int]?

    package init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        window = PoolWindow(kernel: kernel, stride: stride, padding: padding, layer: "MaxPool2d")
    }

    package func outputShape(_ shape: [Int]) -> [Int] { window.outputShape(shape, layer: "MaxPool2d") }

    package func forward(_ input: Tensor) -> Tensor {
        let shape = outputShape(input.shape)
        let (h, w, oh, ow) = (input.shape[2], input.shape[3], shape[2], shape[3])
        let output = Tensor(uninitialized: shape)
        argmax = [Int32](repeating: 0, count: output.count)
        inputShape = input.shape
        precondition(input.count <= Int(Int32.max), "MaxPool2d: input too large for Int32 indices")
        let (window, x, y) = (window, input.data, output.data)
        argmax.withUnsafeMutableBufferPointer { indices in
            let indices = indices.baseAddress!
            Parallel.forEach(shape[0] * shape[1]) { plane in
                for oy in 0..<oh {
                    for ox in 0..<ow {
                        var best = -Float.infinity, bestIndex = -1
                        for iy in window.inputRange(oy, length: h) {
                            for ix in window.inputRange(ox, length: w) {
                                let i = (plane * h + iy) * w + ix
                                if x[i] > best || bestIndex < 0 || x[i].isNaN { best = x[i]; bestIndex = i }
                            }
                        }
                        let o = (plane * oh + oy) * ow + ox
                        y[o] = best
                        indices[o] = Int32(bestIndex)
                    }
                }
            }
        }
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("MaxPool2d.backward called before forward") }
        precondition(dOutput.count == argmax.count && dOutput.shape == outputShape(inputShape),
                     "MaxPool2d: dOutput \(dOutput.shape) for input \(inputShape)")
        let dInput = Tensor(zeros: inputShape)
        let planeOut = dOutput.shape[2] * dOutput.shape[3]
        let (dy, dx) = (dOutput.data, dInput.data)
        argmax.withUnsafeBufferPointer { indices in
            let indices = indices.baseAddress!
            // Windows of one plane only reach that plane, so planes are independent.
            Parallel.forEach(inputShape[0] * inputShape[1]) { plane in
                for o in plane * planeOut ..< (plane + 1) * planeOut { dx[Int(indices[o])] += dy[o] }
            }
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { outputShape(inputShape).reduce(1, *) * kernel * kernel }
}
