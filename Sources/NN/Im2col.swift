import Tensor

/// im2col and its adjoint col2im for one image of a convolution (see `ConvGeometry`), over a
/// band of output rows.
///
/// For output rows `rows` (default: all), the column matrix is
/// `[inChannels * k * k, rows.count * outWidth]`, row index `(c * k + ky) * k + kx`, packed
/// (row length `rows.count * outWidth`), so group `g` owns the contiguous rows
/// `g * patch ..< (g + 1) * patch`. A band lets a caller keep the matrix small enough to stay
/// in L2 until sgemm consumes it. Padding reads as zero; col2im adds (never overwrites).
package enum Im2col {
    /// Fills `columns` from the `[C, H, W]` image at `image` for output rows `rows`.
    /// Splits over channels when `parallel`.
    package static func im2col(_ g: ConvGeometry, image: UnsafePointer<Float>, columns: UnsafeMutablePointer<Float>,
                               rows band: Range<Int>? = nil, parallel: Bool) {
        let (k, s, p, d) = (g.kernel, g.stride, g.padding, g.dilation)
        let (oh, ow, h, w) = (g.outHeight, g.outWidth, g.height, g.width)
        let band = band ?? 0..<oh
        precondition(band.lowerBound >= 0 && band.upperBound <= oh, "im2col: rows \(band) outside 0..<\(oh)")
        let pixels = band.count * ow
        let body = { (c: Int) in
            let src = image + c * h * w
            for ky in 0..<k {
                let yOffset = ky * d - p
                let rows = g.validRange(offset: yOffset, extent: h, outExtent: oh)
                for kx in 0..<k {
                    let xOffset = kx * d - p
                    let cols = g.validRange(offset: xOffset, extent: w, outExtent: ow)
                    let dst = columns + ((c * k + ky) * k + kx) * pixels
                    for oy in band {
                        let row = dst + (oy - band.lowerBound) * ow
                        guard rows.contains(oy), !cols.isEmpty else {
                            row.update(repeating: 0, count: ow)
                            continue
                        }
                        let line = src + (oy * s + yOffset) * w + xOffset
                        for ox in 0..<cols.lowerBound { row[ox] = 0 }
                        if s == 1 {
                            (row + cols.lowerBound).update(from: line + cols.lowerBound, count: cols.count)
                        } else {
                            for ox in cols { row[ox] = line[ox * s] }
                        }
                        for ox in cols.upperBound..<ow { row[ox] = 0 }
                    }
                }
            }
        }
        if parallel { Parallel.forEach(g.inChannels, body) } else { for c in 0..<g.inChannels { body(c) } }
    }

    /// Adds the column matrix of output rows `rows` (default: all) back into the `[C, H, W]`
    /// image gradient at `image`. Splits over channels when `parallel`.
    package static func col2im(_ g: ConvGeometry, columns: UnsafePointer<Float>, image: UnsafeMutablePointer<Float>,
                               rows band: Range<Int>? = nil, parallel: Bool) {
        let (k, s, p, d) = (g.kernel, g.stride, g.padding, g.dilation)
        let (oh, ow, h, w) = (g.outHeight, g.outWidth, g.height, g.width)
        let band = band ?? 0..<oh
        precondition(band.lowerBound >= 0 && band.upperBound <= oh, "col2im: rows \(band) outside 0..<\(oh)")
        let pixels = band.count * ow
        let body = { (c: Int) in
            let dst = image + c * h * w
            for ky in 0..<k {
                let yOffset = ky * d - p
                let rows = g.validRange(offset: yOffset, extent: h, outExtent: oh).clamped(to: band)
                for kx in 0..<k {
                    let xOffset = kx * d - p
                    let cols = g.validRange(offset: xOffset, extent: w, outExtent: ow)
                    guard !cols.isEmpty else { continue }
                    let src = columns + ((c * k + ky) * k + kx) * pixels
                    for oy in rows {
                        let row = src + (oy - band.lowerBound) * ow
                        let line = dst + (oy * s + yOffset) * w + xOffset
                        if s == 1 {
                            Vector.axpy(cols.count, 1, row + cols.lowerBound, line + cols.lowerBound)
                        } else {
                            for ox in cols { line[ox * s] += row[ox] }
                        }
                    }
                }
            }
        }
        if parallel { Parallel.forEach(g.inChannels, body) } else { for c in 0..<g.inChannels { body(c) } }
    }
}
