import Testing
import Tensor
import TestSupport
@testable import NN

/// The fast convolution kernels against the naive reference, over a table of geometries.
@Suite struct ConvolutionKernelTests {
    static let geometries: [ConvGeometry] = [
        ConvGeometry(batch: 3, inChannels: 4, height: 9, width: 11, outChannels: 6, kernel: 3, padding: 1),
        ConvGeometry(batch: 9, inChannels: 3, height: 5, width: 6, outChannels: 4, kernel: 3, padding: 1),
        ConvGeometry(batch: 9, inChannels: 4, height: 5, width: 6, outChannels: 4, kernel: 1),
        ConvGeometry(batch: 2, inChannels: 4, height: 9, width: 10, outChannels: 5, kernel: 3, stride: 2, padding: 1),
        ConvGeometry(batch: 2, inChannels: 8, height: 5, width: 7, outChannels: 12, kernel: 1),
        ConvGeometry(batch: 2, inChannels: 6, height: 6, width: 6, outChannels: 4, kernel: 1, stride: 2),
        ConvGeometry(batch: 3, inChannels: 8, height: 10, width: 9, outChannels: 16, kernel: 3, padding: 2, dilation: 2, groups: 4),
        ConvGeometry(batch: 1, inChannels: 3, height: 13, width: 12, outChannels: 5, kernel: 5, stride: 2, padding: 2),
        ConvGeometry(batch: 2, inChannels: 6, height: 8, width: 21, outChannels: 6, kernel: 3, padding: 1, groups: 6),
        ConvGeometry(batch: 3, inChannels: 5, height: 9, width: 9, outChannels: 5, kernel: 3, stride: 2, padding: 1, groups: 5),
        ConvGeometry(batch: 2, inChannels: 4, height: 7, width: 12, outChannels: 4, kernel: 5, padding: 4, dilation: 2, groups: 4),
        ConvGeometry(batch: 2, inChannels: 3, height: 4, width: 4, outChannels: 3, kernel: 3, padding: 3, groups: 3),
        ConvGeometry(batch: 1, inChannels: 2, height: 3, width: 3, outChannels: 2, kernel: 3, groups: 2),
        ConvGeometry(batch: 2, inChannels: 4, height: 5, width: 40, outChannels: 4, kernel: 3, padding: 1, groups: 4),
    ] + bandedGeometries + [1, 2, 9, 10, 11, 17, 26].map { width in
        // The specialised 3x3 "same" depthwise kernel around its vector-width edge cases.
        ConvGeometry(batch: 2, inChannels: 3, height: 4, width: width, outChannels: 3, kernel: 3, padding: 1, groups: 3)
    } + [
        ConvGeometry(batch: 2, inChannels: 3, height: 1, width: 12, outChannels: 3, kernel: 3, padding: 1, groups: 3),
    ]

    /// Geometries whose im2col runs in several bands of output rows (`GEMMConvolution.bandRows`),
    /// with a partial last band, one image split over threads (batch 1), stride, dilation and
    /// groups, and a strided 1x1 (im2col without padding).
    static let bandedGeometries: [ConvGeometry] = [
        ConvGeometry(batch: 3, inChannels: 6, height: 20, width: 48, outChannels: 5, kernel: 3, padding: 1),
        ConvGeometry(batch: 1, inChannels: 4, height: 17, width: 64, outChannels: 8, kernel: 3, padding: 1),
        ConvGeometry(batch: 2, inChannels: 4, height: 28, width: 90, outChannels: 6, kernel: 3, stride: 2, padding: 1),
        ConvGeometry(batch: 2, inChannels: 8, height: 21, width: 33, outChannels: 8, kernel: 3, padding: 2, dilation: 2, groups: 2),
        ConvGeometry(batch: 2, inChannels: 6, height: 22, width: 70, outChannels: 4, kernel: 1, stride: 2),
    ]

    @Test(arguments: bandedGeometries)
    func bandedGeometriesRunInSeveralBands(g: ConvGeometry) {
        let rows = GEMMConvolution.bandRows(g)
        #expect(rows < g.outHeight, "\(g): one band of \(rows) rows covers all \(g.outHeight)")
        #expect(g.outHeight % rows != 0, "\(g): no partial last band")
    }

    private func close(_ a: Tensor, _ b: Tensor, _ label: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(a.shape == b.shape, "\(label) shape", sourceLocation: sourceLocation)
        var diff: Float = 0
        for i in 0..<min(a.count, b.count) { diff = max(diff, abs(a.data[i] - b.data[i])) }
        #expect(diff <= 1e-5 * max(b.maxAbs(), 1), "\(label): max difference \(diff)", sourceLocation: sourceLocation)
    }

    @Test(arguments: geometries)
    func fastKernelsMatchNaive(g: ConvGeometry) {
        var rng = RandomSource(seed: 21)
        let x = Tensor.randomNormal([g.batch, g.inChannels, g.height, g.width], rng: &rng)
        let w = Tensor.randomNormal([g.outChannels, g.inPerGroup, g.kernel, g.kernel], rng: &rng)
        let b = Tensor.randomNormal([g.outChannels], rng: &rng)
        let dy = Tensor.randomNormal(g.outputShape, rng: &rng)
        let expected = NaiveKernels.conv2d(g, input: x, weight: w, bias: b)
        let reference = NaiveKernels.conv2dBackward(g, input: x, weight: w, dOutput: dy)

        var kernels: [(String, Bool)] = [("gemm", false)]
        if g.isDepthwise { kernels.append(("depthwise", true)) }
        var firstRun: [String: [Float]] = [:]
        for threads in [1, 2] {
            Parallel.withThreads(threads) {
            for (name, depthwise) in kernels {
                let label = "\(name) \(threads) thread(s) \(g)"
                let y = Tensor(zeros: g.outputShape)
                let dx = Tensor(shape: x.shape, repeating: 1), dw = Tensor(shape: w.shape, repeating: 1)
                let db = Tensor(shape: b.shape, repeating: 1)
                if depthwise {
                    DepthwiseConvolution.forward(g, input: x.data, weight: w.data, bias: b.data, output: y.data)
                    DepthwiseConvolution.backward(g, input: x.data, weight: w.data, dOutput: dy.data,
                                                  dInput: dx.data, dWeight: dw.data, dBias: db.data)
                } else {
                    GEMMConvolution.forward(g, input: x.data, weight: w.data, bias: b.data, output: y.data)
                    GEMMConvolution.backward(g, input: x.data, weight: w.data, dOutput: dy.data,
                                             dInput: dx.data, dWeight: dw.data, dBias: db.data)
                }
                if depthwise {
                    // Overwrite mode must ignore whatever the input gradient held.
                    let fresh = Tensor(shape: x.shape, repeating: .nan)
                    DepthwiseConvolution.backward(g, input: x.data, weight: w.data, dOutput: dy.data, dInput: fresh.data,
                                                  overwriteInput: true, dWeight: nil, dBias: nil)
                    close(fresh, reference.dInput, "dInput overwrite \(label)")
                }
                // Backward adds: the gradients started at 1.
                for t in [dx, dw, db] { for i in 0..<t.count { t.data[i] -= 1 } }
                close(y, expected, "forward \(label)")
                close(dx, reference.dInput, "dInput \(label)")
                close(dw, reference.dWeight, "dWeight \(label)")
                close(db, reference.dBias, "dBias \(label)")
                // The same bits with any thread count: reductions do not depend on it.
                let bits = y.values + dx.values + dw.values + db.values
                if let earlier = firstRun[name] {
                    #expect(earlier == bits, "\(label) differs from the one-thread run")
                } else {
                    firstRun[name] = bits
                }
            }
            }
        }
    }
}
