import Tensor

/// Dense and grouped convolution as im2col + sgemm, one image at a time.
///
/// Input `[N, C, H, W]`, weight `[outChannels, C / groups, k, k]`, optional bias, output
/// `[N, outChannels, outHeight, outWidth]`. Per image and group: `Y_g = W_g * cols_g`
/// (`[outPerGroup, patch] x [patch, outPlane]`). A 1x1 stride-1 unpadded convolution skips
/// im2col (the image is the column matrix). With more than one thread and more than one image,
/// images are split over threads and each GEMM runs single-threaded on its caller
/// (`BLAS.singleThreaded`); otherwise OpenBLAS threads the GEMM and im2col splits over channels.
/// Backward recomputes im2col rather than keeping the column matrices (memory); weight
/// gradients are summed per fixed group of images and the groups then in order, so results are
/// the same for every thread count.
package enum GEMMConvolution {
    package static func forward(_ g: ConvGeometry, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                                bias: UnsafePointer<Float>?, output: UnsafeMutablePointer<Float>) {
        let (plane, inSize, outSize) = (g.outPlane, g.inChannels * g.inPlane, g.outChannels * g.outPlane)
        let run = { (images: Range<Int>, innerParallel: Bool) in
            let scratch = g.isPointwise ? nil : UnsafeMutablePointer<Float>.allocate(capacity: g.groups * g.patch * plane)
            defer { scratch?.deallocate() }
            for n in images {
                let x = input + n * inSize, y = output + n * outSize
                let columns: UnsafePointer<Float>
                if let scratch {
                    Im2col.im2col(g, image: x, columns: scratch, parallel: innerParallel)
                    columns = UnsafePointer(scratch)
                } else {
                    columns = x
                }
                if let bias {
                    for o in 0..<g.outChannels { (y + o * plane).update(repeating: bias[o], count: plane) }
                }
                for group in 0..<g.groups {
                    BLAS.sgemm(m: g.outPerGroup, n: plane, k: g.patch,
                               a: weight + group * g.outPerGroup * g.patch,
                               b: columns + group * g.patch * plane,
                               beta: bias == nil ? 0 : 1, c: y + group * g.outPerGroup * plane)
                }
            }
        }
        let chunks = min(Parallel.threadCount, g.batch)
        if chunks > 1 {
            BLAS.singleThreaded {
                Parallel.forEach(chunks) { chunk in run(g.batch * chunk / chunks ..< g.batch * (chunk + 1) / chunks, false) }
            }
        } else {
            run(0..<g.batch, true)
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
        let weightCount = g.outChannels * g.patch
        let groupCount = (g.batch + imagesPerPartial - 1) / imagesPerPartial
        let partials = dWeight == nil ? nil : Tensor(zeros: [groupCount, weightCount])
        let run = { (group: Int, innerParallel: Bool) in
            let dW = partials.map { $0.data + group * weightCount }
            let needColumns = !g.isPointwise
            let columns = needColumns && dW != nil
                ? UnsafeMutablePointer<Float>.allocate(capacity: g.groups * g.patch * plane) : nil
            let dColumns = needColumns && dInput != nil
                ? UnsafeMutablePointer<Float>.allocate(capacity: g.groups * g.patch * plane) : nil
            defer { columns?.deallocate(); dColumns?.deallocate() }
            for n in group * imagesPerPartial ..< min(g.batch, (group + 1) * imagesPerPartial) {
                let x = input + n * inSize, dy = dOutput + n * outSize
                if let dW {
                    if let columns { Im2col.im2col(g, image: x, columns: columns, parallel: innerParallel) }
                    let cols = columns.map { UnsafePointer($0) } ?? x
                    for group in 0..<g.groups {
                        BLAS.sgemm(transB: true, m: g.outPerGroup, n: g.patch, k: plane,
                                   a: dy + group * g.outPerGroup * plane, b: cols + group * g.patch * plane,
                                   beta: 1, c: dW + group * g.outPerGroup * g.patch)
                    }
                }
                if let dInput {
                    let target = dColumns ?? (dInput + n * inSize)
                    for group in 0..<g.groups {
                        BLAS.sgemm(transA: true, m: g.patch, n: plane, k: g.outPerGroup,
                                   a: weight + group * g.outPerGroup * g.patch, b: dy + group * g.outPerGroup * plane,
                                   beta: dColumns == nil ? 1 : 0, c: target + group * g.patch * plane)
                    }
                    if let dColumns { Im2col.col2im(g, columns: dColumns, image: dInput + n * inSize, parallel: innerParallel) }
                }
            }
        }
        if min(Parallel.threadCount, groupCount) > 1 {
            BLAS.singleThreaded { Parallel.forEach(groupCount) { run($0, false) } }
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
