import ImageIO

extension RGBRaster {
    /// This raster resampled by `factor` (output size rounded, at least 1 x 1): area averaging
    /// when shrinking (each output pixel is the mean of the input it covers, partial pixels
    /// weighted), bilinear interpolation between pixel centres when enlarging. Separable:
    /// rows, then columns. The pixel spacing, if known, is divided by the factor.
    package func resized(by factor: Double) -> RGBRaster {
        precondition(factor > 0 && factor.isFinite, "resize factor must be positive")
        let outW = max(1, Int((Double(width) * factor).rounded())), outH = max(1, Int((Double(height) * factor).rounded()))
        let (sx, sy) = (Double(width) / Double(outW), Double(height) / Double(outH))
        let xTaps = Self.taps(input: width, output: outW, step: sx)
        let yTaps = Self.taps(input: height, output: outH, step: sy)
        func plane(_ p: [Float]) -> [Float] {
            var rows = [Float](repeating: 0, count: outW * height)
            for y in 0..<height {
                for (x, taps) in xTaps.enumerated() {
                    var sum: Float = 0
                    for (i, w) in taps { sum += p[y * width + i] * w }
                    rows[y * outW + x] = sum
                }
            }
            var out = [Float](repeating: 0, count: outW * outH)
            for (y, taps) in yTaps.enumerated() {
                for x in 0..<outW {
                    var sum: Float = 0
                    for (i, w) in taps { sum += rows[i * outW + x] * w }
                    out[y * outW + x] = sum
                }
            }
            return out
        }
        let spacing = pixelSpacing.map { PixelSpacing(x: $0.x * sx, y: $0.y * sy) }
        return RGBRaster(width: outW, height: outH, r: plane(r), g: plane(g), b: plane(b), pixelSpacing: spacing)
    }

    /// Per output index: the input indices and weights (summing to 1) along one axis.
    private static func taps(input: Int, output: Int, step: Double) -> [[(Int, Float)]] {
        (0..<output).map { o in
            if step > 1 {
                let (a, b) = (Double(o) * step, Double(o + 1) * step)
                var taps: [(Int, Float)] = []
                var i = Int(a)
                while Double(i) < b && i < input {
                    let cover = min(b, Double(i + 1)) - max(a, Double(i))
                    if cover > 0 { taps.append((i, Float(cover / step))) }
                    i += 1
                }
                return taps
            }
            let centre = (Double(o) + 0.5) * step - 0.5
            let i0 = max(0, min(input - 1, Int(centre.rounded(.down))))
            let i1 = min(input - 1, i0 + 1)
            let t = Float(max(0, min(1, centre - Double(i0))))
            return i0 == i1 ? [(i0, Float(1))] : [(i0, 1 - t), (i1, t)]
        }
    }
}
