import Foundation
import Analysis
import CellModel
import ImageIO
import Tensor

/// Simulates a coarser camera: a plane is reduced to `factor` of its linear size and enlarged
/// back, so it keeps its size but loses the detail a lower-resolution source never had.
///
/// Why: sources differ in how many pixels a cell spans (about 90 across in the single-cell
/// set, about 200 in PBC). Crops are resampled to one size, so a cell from a coarse source
/// looks soft at 128 px where a fine one is sharp; training on both keeps the network from
/// reading sharpness as a cell-type cue.
///
/// The reduction low-pass filters first (Gaussian, sigma = (1/f - 1)/2 input pixels, the
/// usual anti-aliasing choice) and samples a `m x m` grid, m = round(n f), at the centres of
/// the coarse pixels; the enlargement is bilinear with clamped edges. `factor` >= 1 returns
/// the plane unchanged.
package enum ResolutionLoss {
    package static func apply(_ plane: FloatPlane, factor: Double) -> FloatPlane {
        let n = plane.width
        precondition(plane.height == n, "ResolutionLoss expects a square plane")
        let m = max(2, Int((Double(n) * factor).rounded()))
        guard factor < 1, m < n else { return plane }
        let scale = Double(n) / Double(m)
        let smooth = GaussianBlur.apply(plane, sigma: (scale - 1) / 2)
        var coarse = FloatPlane(width: m, height: m)
        for y in 0..<m {
            for x in 0..<m {
                coarse[x, y] = smooth.bilinear((Double(x) + 0.5) * scale - 0.5, (Double(y) + 0.5) * scale - 0.5)
            }
        }
        var out = FloatPlane(width: n, height: n)
        for y in 0..<n {
            for x in 0..<n {
                out[x, y] = coarse.bilinear((Double(x) + 0.5) / scale - 0.5, (Double(y) + 0.5) / scale - 0.5)
            }
        }
        return out
    }
}
