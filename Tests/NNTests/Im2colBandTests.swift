import Testing
import Tensor
@testable import NN

/// im2col and col2im over bands of output rows against the whole-image matrices.
@Suite struct Im2colBandTests {
    static let geometries: [ConvGeometry] = [
        ConvGeometry(batch: 1, inChannels: 3, height: 11, width: 9, outChannels: 3, kernel: 3, padding: 1),
        ConvGeometry(batch: 1, inChannels: 2, height: 14, width: 10, outChannels: 2, kernel: 3, stride: 2, padding: 1),
        ConvGeometry(batch: 1, inChannels: 4, height: 12, width: 8, outChannels: 4, kernel: 3, padding: 2, dilation: 2, groups: 2),
    ]

    /// The band `rows` of the whole matrix: each of its rows restricted to those output rows.
    private func slice(_ whole: [Float], _ g: ConvGeometry, rows: Range<Int>) -> [Float] {
        let matrixRows = g.groups * g.patch, ow = g.outWidth
        var out: [Float] = []
        for r in 0..<matrixRows {
            out += whole[(r * g.outPlane + rows.lowerBound * ow) ..< (r * g.outPlane + rows.upperBound * ow)]
        }
        return out
    }

    @Test(arguments: geometries)
    func bandsCopyTheWholeMatrixAndAddBackTheSame(g: ConvGeometry) {
        var rng = RandomSource(seed: 5)
        let image = Tensor.randomNormal([g.inChannels, g.height, g.width], rng: &rng)
        let whole = Tensor(zeros: [g.groups * g.patch, g.outPlane])
        Im2col.im2col(g, image: image.data, columns: whole.data, parallel: false)
        let wholeAdjoint = Tensor(zeros: image.shape)
        Im2col.col2im(g, columns: whole.data, image: wholeAdjoint.data, parallel: false)

        for bandRows in [1, 2, 5] {
            let banded = Tensor(zeros: image.shape)
            var start = 0
            while start < g.outHeight {
                let rows = start ..< min(g.outHeight, start + bandRows)
                let band = Tensor(shape: [g.groups * g.patch, rows.count * g.outWidth], repeating: .nan)
                Im2col.im2col(g, image: image.data, columns: band.data, rows: rows, parallel: bandRows == 2)
                #expect(band.values == slice(whole.values, g, rows: rows), "im2col band \(rows) of \(g)")
                Im2col.col2im(g, columns: band.data, image: banded.data, rows: rows, parallel: bandRows == 2)
                start = rows.upperBound
            }
            var diff: Float = 0
            for i in 0..<banded.count { diff = max(diff, abs(banded.data[i] - wholeAdjoint.data[i])) }
            #expect(diff <= 1e-5 * max(1, wholeAdjoint.maxAbs()), "col2im in bands of \(bandRows) rows: \(diff)")
        }
    }
}
