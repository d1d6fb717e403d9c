import Tensor

/// Resizes `[N, C, H, W]` planes to a given size, bilinearly or by nearest neighbour, with
/// PyTorch's `F.interpolate` semantics.
///
/// Bilinear is `align_corners=False` without antialiasing: source coordinate
/// `(dst + 0.5) * in / out - 0.5`, clamped below at 0, blending the two neighbours (the upper
/// one clamped to the last row/column); this holds for up- and downsampling and non-integer
/// ratios. Nearest is PyTorch's legacy `"nearest"`: source `floor(dst * in / out)`. A
/// `scale` initialiser multiplies the input size (`in / out` is then exactly `1 / scale`,
/// matching PyTorch's `scale_factor`). Backward scatters with the same weights. Forward keeps
/// only the input shape. Planes split over threads.
package final class Upsample: Layer {
    package enum Mode: Sendable { case bilinear, nearest }

    package let mode: Mode
    private let size: (height: Int, width: Int)?
    private let scale: Int?
    package var isTraining = true
    private var inputShape: [Int]?

    /// Resizes to exactly `height x width`.
    package init(_ mode: Mode, height: Int, width: Int) {
        precondition(height > 0 && width > 0, "Upsample: size \(height)x\(width)")
        self.mode = mode
        size = (height, width)
        scale = nil
    }

    /// Multiplies both spatial sizes by `scale`.
    package init(_ mode: Mode, scale: Int) {
        precondition(scale > 0, "Upsample: scale \(scale)")
        self.mode = mode
        size = nil
        self.scale = scale
    }

    package func outputShape(_ shape: [Int]) -> [Int] {
        precondition(shape.count == 4, "Upsample: input \(shape)")
        if let size { return [shape[0], shape[1], size.height, size.width] }
        return [shape[0], shape[1], shape[2] * scale!, shape[3] * scale!]
    }

    /// Per output index along one axis: the two source indices and the weight of the second.
    private func taps(input: Int, output: Int) -> [(Int, Int, Float)] {
        let ratio = Float(input) / Float(output)
        return (0..<output).map { o in
            switch mode {
            case .nearest:
                let i = min(Int((Float(o) * ratio).rounded(.down)), input - 1)
                return (i, i, 0)
            case .bilinear:
                let source = max((Float(o) + 0.5) * ratio - 0.5, 0)
                let i0 = min(Int(source), input - 1)
                let i1 = min(i0 + 1, input - 1)
                return (i0, i1, source - Float(i0))
            }
        }
    }

    package func forward(_ input: Tensor) -> Tensor {
        let shape = outputShape(input.shape)
        inputShape = input.shape
        let (h, w, oh, ow) = (input.shape[2], input.shape[3], shape[2], shape[3])
        let rows = taps(input: h, output: oh), cols = taps(input: w, output: ow)
        let output = Tensor(uninitialized: shape)
        let (x, y) = (input.data, output.data)
        rows.withUnsafeBufferPointer { rows in
            cols.withUnsafeBufferPointer { cols in
                Parallel.forEach(shape[0] * shape[1]) { plane in
                    let src = x + plane * h * w, dst = y + plane * oh * ow
                    for oy in 0..<oh {
                        let (y0, y1, ly) = rows[oy]
                        let top = src + y0 * w, bottom = src + y1 * w
                        for ox in 0..<ow {
                            let (x0, x1, lx) = cols[ox]
                            let upper = top[x0] + lx * (top[x1] - top[x0])
                            let lower = bottom[x0] + lx * (bottom[x1] - bottom[x0])
                            dst[oy * ow + ox] = (1 - ly) * upper + ly * lower
                        }
                    }
                }
            }
        }
        return output
    }

    package func backward(_ dOutput: Tensor) -> Tensor {
        guard let inputShape else { preconditionFailure("Upsample.backward called before forward") }
        precondition(dOutput.shape == outputShape(inputShape), "Upsample: dOutput \(dOutput.shape) for input \(inputShape)")
        let (h, w, oh, ow) = (inputShape[2], inputShape[3], dOutput.shape[2], dOutput.shape[3])
        let rows = taps(input: h, output: oh), cols = taps(input: w, output: ow)
        let dInput = Tensor(zeros: inputShape)
        let (dy, dx) = (dOutput.data, dInput.data)
        rows.withUnsafeBufferPointer { rows in
            cols.withUnsafeBufferPointer { cols in
                Parallel.forEach(inputShape[0] * inputShape[1]) { plane in
                    let dst = dx + plane * h * w, src = dy + plane * oh * ow
                    for oy in 0..<oh {
                        let (y0, y1, ly) = rows[oy]
                        for ox in 0..<ow {
                            let (x0, x1, lx) = cols[ox]
                            let g = src[oy * ow + ox]
                            dst[y0 * w + x0] += (1 - ly) * (1 - lx) * g
                            dst[y0 * w + x1] += (1 - ly) * lx * g
                            dst[y1 * w + x0] += ly * (1 - lx) * g
                            dst[y1 * w + x1] += ly * lx * g
                        }
                    }
                }
            }
        }
        return dInput
    }

    package func flops(inputShape: [Int]) -> Int { 6 * outputShape(inputShape).reduce(1, *) }
}
