import Tensor

/// Average pooling over `[N, C, H, W]` (PyTorch `nn.AvgPool2d`, floor mode,
/// `count_include_pad=True`): every window divides by `k * k`, padded zeros included.
///
/// Output `(H + 2p - k) / s + 1` per axis. Backward spreads `dy / (k * k)` over the window's
/// in-bounds inputs. Forward keeps only the input shape. Planes split over threads.
package final class AvgPool2d: Layer {
    package let kernel: Int
    package let stride: Int
    package let padding: Int
    package var isTraining = true
    private var inputShape: [Int]?

    package init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        precondition(kernel >= 1 && (stride ?? kernel) >= 1 && padding >= 0 && 2 * padding <= kernel,
                     "AvgPool2d: kernel \(kernel), stride \(String(describing: stride)), padding \(padding)")
        self.kernel = kernel
        self.stride = stride ?? kernel
        self.padding = padding
    }

    package func outputShape(_ shape: [Int]) -> [Int] {
        precondition(shape.count == 4, "AvgPool2d: input \(shape)")
        let oh = (shape[2] + 2 * padding - kernel) / stride + 1, ow = (shape[3] + 2 * padding - kernel) / stride + 1
        precondition(oh >= 1 && ow >= 1, "AvgPool2d: input \(shape) smaller than kernel \(kernel)")
        return [shape[0], shape[1], oh, ow]
    }

    package func forward(_ input: Tensor) -> Tensor {
        let shape = outputShape(input.shape)
        inputShape = input.shape
        let (h, w, oh, ow) = (input.shape[2], input.shape[3], shape[2], shape[3])
        let output = Tensor(uninitialized: shape)
        let (k, s, p, x, y) = (kernel, stride, padding, input.data, output.data)
        let scale = 1 / Float(k * k)
        Parallel.forEach(shape[0] * shape[1]) { plane in
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum: Float = 0
                    for iy in max(oy * s - p, 0) ..< min(oy * s - p + k, h) {
                        for ix in max(ox * s - p, 0) ..< min(ox * s - p + k, w) { sum += x[(plane * h + iy) * w + ix] }
                    }
                    y[(plane * oh + oy) * ow + ox] = sum * scale
                }
            }
        }
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("AvgPool2d.backward called before forward") }
        precondition(dOutput.shape == outputShape(inputShape), "AvgPool2d: dOutput \(dOutput.shape) for input \(inputShape)")
        let (h, w, oh, ow) = (inputShape[2], inputShape[3], dOutput.shape[2], dOutput.shape[3])
        let dInput = Tensor(zeros: inputShape)
        let (k, s, p, dy, dx) = (kernel, stride, padding, dOutput.data, dInput.data)
        let scale = 1 / Float(k * k)
        Parallel.forEach(inputShape[0] * inputShape[1]) { plane in
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let g = dy[(plane * oh + oy) * ow + ox] * scale
                    for iy in max(oy * s - p, 0) ..< min(oy * s - p + k, h) {
                        for ix in max(ox * s - p, 0) ..< min(ox * s - p + k, w) { dx[(plane * h + iy) * w + ix] += g }
                    }
                }
            }
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { outputShape(inputShape).reduce(1, *) * kernel * kernel }
}
