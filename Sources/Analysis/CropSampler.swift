/// Resamples image planes into a crop with proper antialiasing.
///
/// Separable tent (triangle) filter: along each axis, output pixel centre p maps to image
/// coordinate s; input pixel centres i + 0.5 within a radius ρ = max(1, scale) contribute
/// with weight max(0, 1 - |i + 0.5 - s| / ρ), normalised. At scale <= 1 (upsampling) this is
/// bilinear interpolation; when shrinking, the tent widens with the scale so every input
/// pixel contributes (no aliasing of red-cell edges or granules). Pixels outside the image
/// take the channel's fill value (white glass for RGB, 0 for the prior), weighted like the
/// others, so a border cell fades to background instead of smearing the edge.
package enum CropSampler {
    /// Weights of one axis: for each output index, (first input index, weights); input
    /// indices may be outside 0..<length (the caller fills them).
    static func axisWeights(center: Double, scale: Double, size: Int) -> [(start: Int, weights: [Float])] {
        let radius = max(1.0, scale)
        return (0..<size).map { o in
            let s = center + (Double(o) + 0.5 - Double(size) / 2) * scale
            let first = Int((s - radius - 0.5).rounded(.up))
            let last = Int((s + radius - 0.5).rounded(.down))
            var w: [Float] = []
            for i in first...max(first, last) { w.append(Float(max(0, 1 - abs(Double(i) + 0.5 - s) / radius))) }
            let total = w.reduce(0, +)
            if total > 0 { for k in w.indices { w[k] /= total } } else { w = [1] }
            return (first, w)
        }
    }

    /// Resamples one plane (`width` x `height` values) into `size` x `size`.
    package static func sample(_ plane: [Float], width: Int, height: Int, geometry g: CropGeometry, fill: Float) -> [Float] {
        let xs = axisWeights(center: g.centerX, scale: g.scale, size: g.size)
        let ys = axisWeights(center: g.centerY, scale: g.scale, size: g.size)
        var out = [Float](repeating: 0, count: g.size * g.size)
        plane.withUnsafeBufferPointer { p in
            for (v, yw) in ys.enumerated() {
                for (u, xw) in xs.enumerated() {
                    var acc: Float = 0
                    for (dy, wy) in yw.weights.enumerated() where wy > 0 {
                        let y = yw.start + dy
                        var row: Float = 0
                        if y < 0 || y >= height {
                            row = fill
                        } else {
                            for (dx, wx) in xw.weights.enumerated() where wx > 0 {
                                let x = xw.start + dx
                                row += wx * ((x < 0 || x >= width) ? fill : p[y * width + x])
                            }
                        }
                        acc += wy * row
                    }
                    out[v * g.size + u] = acc
                }
            }
        }
        return out
    }

    /// The 4-channel crop of a localisation result.
    package static func crop(_ result: FieldLocalizer.Result, geometry: CropGeometry) -> CellCrop {
        let img = result.normalized, w = img.width, h = img.height
        let data = sample(img.r, width: w, height: h, geometry: geometry, fill: 1)
            + sample(img.g, width: w, height: h, geometry: geometry, fill: 1)
            + sample(img.b, width: w, height: h, geometry: geometry, fill: 1)
            + sample(result.prior.values, width: w, height: h, geometry: geometry, fill: 0)
        return CellCrop(geometry: geometry, data: data)
    }

    /// A label mask (e.g. 0 / 128 / 255) cropped by nearest neighbour (labels are not
    /// averaged); outside the image is `fill`.
    package static func sampleLabels(_ labels: [UInt8], width: Int, height: Int, geometry g: CropGeometry, fill: UInt8 = 0) -> [UInt8] {
        var out = [UInt8](repeating: fill, count: g.size * g.size)
        for v in 0..<g.size {
            for u in 0..<g.size {
                let p = g.toImage(u: Double(u) + 0.5, v: Double(v) + 0.5)
                let x = Int(p.x.rounded(.down)), y = Int(p.y.rounded(.down))
                if x >= 0, y >= 0, x < width, y < height { out[v * g.size + u] = labels[y * width + x] }
            }
        }
        return out
    }
}
