import Tensor

/// Average pooling over `[N, C, H, W]` (PyTorch `nn.AvgPool2d`, floor mode,
/// `count_include_pad=True`): every window divides by `k * k`, padded zeros included.
///
/// Output `(H + 2p - k) / s + 1` per axis. Backward spreads `dy / (k * k)` over the window's
/// in-bounds inputs. Forward keeps only the input shape. Planes split over threads.
package final class AvgPool2d: Layer {
    package let window: PoolWindow
    package var kernel: Int { window.kernel }
    package var stride: Int { window.stride }
    package var padding: Int { window.padding }
    package var isTraining = true
    private var inputShape: [Int]?

    package init(kernel: Int, stride: Int? = nil, padding: Int = 0) {
        window = PoolWindow(kernel: kernel, stride: stride, padding: padding, layer: "AvgPool2d")
    }

    package func outputShape(_ shape: [Int]) -> [Int] { window.outputShape(shape, layer: "AvgPool2d") }

    package func forward(_ input: Tensor) -> Tensor {
        let shape = outputShape(input.shape)
        inputShape = input.shape
        let (h, w, oh, ow) = (input.shape[2], input.shape[3], shape[2], shape[3])
        let output = Tensor(uninitialized: shape)
        let (window, x, y) = (window, input.data, output.data)
        let scale = 1 / Float(kernel * kernel)
        Parallel.forEach(shape[0] * shape[1]) { plane in
            for oy in 0..<oh {
                for ox in 0..<ow {
                    var sum: Float = 0
                    for iy in window.inputRange(oy, length: h) {
                        for ix in window.inputRange(ox, length: w) { sum += x[(plane * h + iy) * w + ix] }
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
        let (window, dy, dx) = (window, dOutput.data, dInput.data)
        let scale = 1 / Float(kernel * kernel)
        Parallel.forEach(inputShape[0] * inputShape[1]) { plane in
            for oy in 0..<oh {
                for ox in 0..<ow {
                    let g = dy[(plane * oh + oy) * ow + ox] * scale
                    for iy in window.inputRange(oy, length: h) {
                        for ix in window.inputRange(ox, length: w) { dx[(plane * h + iy) * w + ix] += g }
                    }
                }
            }
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { outputShape(inputShape).reduce(1, *) * kernel * kernel }
}
