import Foundation
import Tensor
import Analysis
import CellModel
import ImageIO

/// Seeded training augmentation of a crop (and its mask).
///
/// Order: exact flips and quarter turns; a small rotation with scale jitter about the crop
/// centre (bilinear for the 4 channels with white glass / prior 0 outside, nearest for the
/// mask); then on RGB only: HED-style stain jitter (optical density unmixed with the
/// reference stains the crop was normalised to, each stain's concentration scaled and
/// shifted, re-mixed; the unexplained OD residual is kept), brightness/contrast, gamma, a
/// simulated coarser source (`ResolutionLoss`), blur and noise; values clamped to [0, 1];
/// last an optional `BorderCut`. The prior channel follows the geometry only. The same
/// `RandomSource` state always gives the same output.
package struct Augmenter: Sendable {
    package var parameters: AugmentParameters

    package init(parameters: AugmentParameters = AugmentParameters()) { self.parameters = parameters }

    package func apply(_ crop: CellCrop, mask: [UInt8]?, rng: inout RandomSource) -> (CellCrop, [UInt8]?) {
        let p = parameters, n = crop.size
        var data = crop.data
        var labels = mask
        if p.flipsAndQuarterTurns {
            let turns = Int(rng.next() % 4), flip = rng.next() % 2 == 1
            data = Self.permute(data, channels: 4, size: n, turns: turns, flip: flip)
            labels = labels.map { Self.permute($0, channels: 1, size: n, turns: turns, flip: flip) }
        }
        let angle = Double(rng.uniform(-1, 1)) * p.maxRotationDegrees * .pi / 180
        let scale = 1 + Double(rng.uniform(-1, 1)) * p.maxScaleJitter
        if angle != 0 || scale != 1 {
            (data, labels) = Self.rotate(data, labels, size: n, angle: angle, scale: scale)
        }
        let area = n * n
        var r = Array(data[0..<area]), g = Array(data[area..<2 * area]), b = Array(data[2 * area..<3 * area])
        stainJitter(&r, &g, &b, rng: &rng)
        let bright = rng.uniform(-1, 1) * Float(p.brightness)
        let contrast = 1 + rng.uniform(-1, 1) * Float(p.contrast)
        let gammaDraw = rng.uniform(-1, 1) * Float(p.gamma)
        let gamma = gammaDraw >= 0 ? 1 + gammaDraw : 1 / (1 - gammaDraw)
        let blur = Double(rng.uniform()) < p.blurProbability ? Double(rng.uniform()) * p.maxBlurSigma : 0
        let noise = rng.uniform() * Float(p.maxNoise)
        // Drawn only when enabled, so runs without it keep their random stream (and weights).
        var coarse = 1.0
        if p.resolutionLossProbability > 0, Double(rng.uniform()) < p.resolutionLossProbability {
            coarse = p.minResolutionFactor + Double(rng.uniform()) * (1 - p.minResolutionFactor)
        }
        for k in 0..<3 {
            var plane = k == 0 ? r : (k == 1 ? g : b)
            for i in 0..<area {
                let v = (plane[i] - 0.5) * contrast + 0.5 + bright
                plane[i] = powf(min(1, max(0, v)), gamma)
            }
            if coarse < 1 { plane = ResolutionLoss.apply(FloatPlane(width: n, height: n, values: plane), factor: coarse).values }
            if blur >= 0.1 { plane = GaussianBlur.apply(FloatPlane(width: n, height: n, values: plane), sigma: blur).values }
            if noise > 0 { for i in 0..<area { plane[i] += noise * rng.normal() } }
            for i in 0..<area { data[k * area + i] = min(1, max(0, plane[i])) }
        }
        // Last, on the finished crop: the analyzer fills outside the image with exact white.
        if p.borderCutProbability > 0, Double(rng.uniform()) < p.borderCutProbability {
            let side = BorderCut.Side(rawValue: Int(rng.next() % 4))!
            let range = p.borderCutDistance
            let distance = range.lowerBound + Double(rng.uniform()) * (range.upperBound - range.lowerBound)
            BorderCut(side: side, distanceFromCenter: distance).apply(to: &data, mask: &labels, size: n)
        }
        return (CellCrop(geometry: crop.geometry, data: data), labels)
    }

    /// HED-style jitter: OD = -log10(rgb); c = unmix(OD) with the reference stains;
    /// c' = c (1 + a) + s per stain; OD' = M c' + (OD - M c); rgb = 10^-OD'.
    private func stainJitter(_ r: inout [Float], _ g: inout [Float], _ b: inout [Float], rng: inout RandomSource) {
        let a = SIMD2(Double(rng.uniform(-1, 1)), Double(rng.uniform(-1, 1))) * parameters.stainScale
        let s = SIMD2(Double(rng.uniform(-1, 1)), Double(rng.uniform(-1, 1))) * parameters.stainShift
        guard a != .zero || s != .zero else { return }
        let m = StainMatrix.reference
        for i in 0..<r.count {
            let od = SIMD3(-log10(Double(max(r[i], 1 / 255))), -log10(Double(max(g[i], 1 / 255))), -log10(Double(max(b[i], 1 / 255))))
            let c = m.concentrations(od)
            let residual = od - (m.nucleus * c.x + m.counter * c.y)
            let c2 = c * (1 + a) + s * SIMD2(c.x > 0.02 ? 1 : 0, c.y > 0.02 ? 1 : 0)
            let o = m.nucleus * c2.x + m.counter * c2.y + residual
            r[i] = Float(pow(10, -o.x)); g[i] = Float(pow(10, -o.y)); b[i] = Float(pow(10, -o.z))
        }
    }

    /// Exact rotation by `turns` quarter turns (counter-clockwise) then an optional
    /// horizontal flip, of `channels` planes of size x size.
    static func permute<T>(_ src: [T], channels: Int, size n: Int, turns: Int, flip: Bool) -> [T] {
        var out = src
        for c in 0..<channels {
            let base = c * n * n
            for y in 0..<n {
                for x in 0..<n {
                    var sx = flip ? n - 1 - x : x, sy = y
                    for _ in 0..<turns { (sx, sy) = (n - 1 - sy, sx) }
                    out[base + y * n + x] = src[base + sy * n + sx]
                }
            }
        }
        return out
    }

    /// Rotation by `angle` radians and zoom by `scale` about the centre.
    static func rotate(_ data: [Float], _ mask: [UInt8]?, size n: Int, angle: Double, scale: Double) -> ([Float], [UInt8]?) {
        var out = data
        var outMask = mask
        let c = Double(n) / 2, cs = cos(angle) / scale, sn = sin(angle) / scale
        for y in 0..<n {
            for x in 0..<n {
                let dx = Double(x) + 0.5 - c, dy = Double(y) + 0.5 - c
                let sx = cs * dx + sn * dy + c - 0.5, sy = -sn * dx + cs * dy + c - 0.5
                let x0 = Int(floor(sx)), y0 = Int(floor(sy))
                let fx = Float(sx - Double(x0)), fy = Float(sy - Double(y0))
                for ch in 0..<4 {
                    let fill: Float = ch < 3 ? 1 : 0
                    func at(_ px: Int, _ py: Int) -> Float {
                        px >= 0 && py >= 0 && px < n && py < n ? data[(ch * n + py) * n + px] : fill
                    }
                    let top = at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx
                    let bottom = at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx
                    out[(ch * n + y) * n + x] = top * (1 - fy) + bottom * fy
                }
                if let mask {
                    let nx = Int(sx.rounded()), ny = Int(sy.rounded())
                    outMask![y * n + x] = nx >= 0 && ny >= 0 && nx < n && ny < n ? mask[ny * n + nx] : 0
                }
            }
        }
        return (out, outMask)
    }
}
