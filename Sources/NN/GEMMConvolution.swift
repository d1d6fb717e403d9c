import Tensor

/// Dense and grouped convolution as im2col + sgemm, one band of output rows at a time.
///
/// Input `[N, C, H, W]`, weight `[outChannels, C / groups, k, k]`, optional bias, output
/// `[N, outChannels, outHeight, outWidth]`. Per image, band of output rows and group:
/// `Y_g[:, band] = W_g * cols_g(band)` (`[outPerGroup, patch] x [patch, bandPixels]`, written
/// in place into the output plane with `ldc = outPlane`). Bands of about 128 pixels
/// (`bandRows`) keep each column matrix in cache until sgemm consumes it; a whole-image column
/// matrix (3.5 MB for 24 -> 32 at 64x64) made im2col and sgemm's packing stream through
/// memory (measurements in `bandPixels`). A 1x1 stride-1 unpadded convolution skips im2col
/// (the image is the column matrix). Every image has at least `minimumBandsPerImage` bands,
/// so a single image keeps both threads busy.
///
/// Threads: forward splits the (image, band) items over threads, each GEMM on its caller's
/// thread (an epilogue is applied to each band as it is done); with a single item (a map of
/// one row), im2col splits over channels. Backward splits fixed groups of images over threads (bands of one
/// image overlap in the input gradient). Backward recomputes im2col rather than keeping the
/// column matrices (memory). Band sizes depend only on the geometry and weight gradients are
/// summed per fixed group of images, then the groups in order, so results are the same bits
/// for every thread count.
package enum GEMMConvolution {
    package static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>,
                                epilogue: ChannelEpilogue? = nil) {
        let (plane, inSize, outSize) = (g.outPlane, g.inChannels * g.inPlane, g.outChannels * g.outPlane)
        let rowsPerBand = bandRows(g), bands = (g.outHeight + rowsPerBand - 1) / rowsPerBand
        let items = g.batch * bands
        let run = { (range: Range<Int>, innerParallel: Bool) in
            let scratch = g.isPointwise
                ? nil : UnsafeMutablePointer<Float>.allocate(capacity: g.groups * g.patch * rowsPerBand * g.outWidth)
            defer { scratch?.deallocate() }
            for item in range {
                let n = item / bands, band = item % bands
                let rows = band * rowsPerBand ..< min(g.outHeight, (band + 1) * rowsPerBand)
                let pixels = rows.count * g.outWidth, start = rows.lowerBound * g.outWidth
                let x = input + n * inSize, y = output + n * outSize + start
                let columns: UnsafePointer<Float>, ldb: Int
                if let scratch {
                    Im2col.im2col(g, image: x, columns: scratch, rows: rows, parallel: innerParallel)
                    (columns, ldb) = (UnsafePointer(scratch), pixels)
                } else {
                    (columns, ldb) = (x + start, plane)
                }
                if let bias {
                    for o in 0..<g.outChannels { (y + o * plane).update(repeating: bias[o], count: pixels) }
                }
                for group in 0..<g.groups {
                    BLAS.sgemm(m: g.outPerGroup, n: pixels, k: g.patch,
                               a: weight + group * g.outPerGroup * g.patch,
                               b: columns + group * g.patch * ldb, ldb: ldb,
                               beta: bias == nil ? 0 : 1, c: y + group * g.outPerGroup * plane, ldc: plane)
                }
                if let epilogue {
                    for o in 0..<g.outChannels {
                        epilogue.apply(output, offset: n * outSize + o * plane + start, count: pixels, channel: o)
                    }
                }
            }
        }
        let chunks = min(Parallel.threadCount, items)
        if chunks > 1 {
            Parallel.forEach(chunks) { chunk in run(items * chunk / chunks ..< items * (chunk + 1) / chunks, false) }
        } else {
            run(0..<items, true)
        }
    }

    /// Images per weight-gradient partial sum. Fixed, so the summation order (images in order
    /// within a group, groups in order) and hence the result do not depend on the thread count.
    static let imagesPerPartial = 4

    /// Adds `dInput`, `dWeight` and `dBias` (each optional) for upstream `dOutput`.
    package static func backward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                 dOutput: UnsafePointer<Float>, dInput: UnsafeMutablePointer<Float>?,
                                 dWeight: UnsafeMutablePointer<Float>?, dBias: UnsafeMutablePointer<Float>?) {
        let (plane, inSize, outSize) = (g.outPlane, g.inChannels * g.inPlane, g.outChannels * g.outPlane)
        let rowsPerBand = bandRows(g), bands = (g.outHeight + rowsPerBand - 1) / rowsPerBand
        let weightCount = g.outChannels * g.patch
        let groupCount = (g.batch + imagesPerPartial - 1) / imagesPerPartial
        let partials = dWeight == nil ? nil : Tensor(zeros: [groupCount, weightCount])
        let run = { (imageGroup: Int, innerParallel: Bool) in
            let dW = partials.map { $0.data + imageGroup * weightCount }
            let scratchCount = g.isPointwise ? 0 : g.groups * g.patch * rowsPerBand * g.outWidth
            let columns = scratchCount > 0 && dW != nil ? UnsafeMutablePointer<Float>.allocate(capacity: scratchCount) : nil
            let dColumns = scratchCount > 0 && dInput != nil ? UnsafeMutablePointer<Float>.allocate(capacity: scratchCount) : nil
            defer { columns?.deallocate(); dColumns?.deallocate() }
            for n in imageGroup * imagesPerPartial ..< min(g.batch, (imageGroup + 1) * imagesPerPartial) {
                let x = input + n * inSize, dy = dOutput + n * outSize
                for band in 0..<bands {
                    let rows = band * rowsPerBand ..< min(g.outHeight, (band + 1) * rowsPerBand)
                    let pixels = rows.count * g.outWidth, start = rows.lowerBound * g.outWidth
                    if let dW {
                        let cols: UnsafePointer<Float>, ldb: Int
                        if let columns {
                            Im2col.im2col(g, image: x, columns: columns, rows: rows, parallel: innerParallel)
                            (cols, ldb) = (UnsafePointer(columns), pixels)
                        } else {
                            (cols, ldb) = (x + start, plane)
                        }
                        for group in 0..<g.groups {
                            BLAS.sgemm(transB: true, m: g.outPerGroup, n: g.patch, k: pixels,
                                       a: dy + start + group * g.outPerGroup * plane, lda: plane,
                                       b: cols + group * g.patch * ldb, ldb: ldb,
                                       beta: 1, c: dW + group * g.outPerGroup * g.patch)
                        }
                    }
                    if let dInput {
                        let (target, ldc) = dColumns.map { ($0, pixels) } ?? (dInput + n * inSize + start, plane)
                        for group in 0..<g.groups {
                            BLAS.sgemm(transA: true, m: g.patch, n: pixels, k: g.outPerGroup,
                                       a: weight + group * g.outPerGroup * g.patch,
                                       b: dy + start + group * g.outPerGroup * plane, ldb: plane,
                                       beta: dColumns == nil ? 1 : 0, c: target + group * g.patch * ldc, ldc: ldc)
                        }
                        if let dColumns {
                            Im2col.col2im(g, columns: dColumns, image: dInput + n * inSize, rows: rows, parallel: innerParallel)
                        }
                    }
                }
            }
        }
        if min(Parallel.threadCount, groupCount) > 1 {
            Parallel.forEach(groupCount) { run($0, false) }
        } else {
            for group in 0..<groupCount { run(group, true) }
        }
        if let dWeight, let partials {
            for group in 0..<groupCount { Vector.axpy(weightCount, 1, partials.data + group * weightCount, dWeight) }
        }
        if let dBias {
            for n in 0..<g.batch {
                for o in 0..<g.outChannels { dBias[o] += Vector.sum(plane, dOutput + n * outSize + o * plane) }
            }
        }
    }
}
