import Foundation
import ImageIO

/// The per-pixel half of slide-level stain normalisation: a fixed white level and stain
/// matrix (a `SlideCalibration`) turned into lookup tables on the decoded samples, so a
/// pixel costs three table reads per stain instead of three logarithms and a 2x3 solve.
///
/// Optical density is separable (OD_c depends only on channel c's sample) and the
/// concentrations are linear in it, so c = max(0, Σ_c T[c][v_c]) with T[c][v] = u[c]·OD_c(v)
/// (u: the stain's row of the unmixing pseudo-inverse). OD_c(v) is `OpticalDensity`'s
/// formula, max(0, log10 W_c − log10 max(v / full, 1/255)). Tables have 2^bitDepth entries per
/// channel (8- and 16-bit input); gray images use their one channel for R, G and B, alpha is
/// ignored. The field path (`MacenkoNormalizer`) computes the same maths per pixel in
/// Double; results agree to Float rounding. It does not estimate anything (see
/// `SlideCalibration`).
package struct StainLookup: Sendable {
    package let bitDepth: Int
    /// Per channel `levels` values each: nucleus contributions, then counter contributions.
    private let nucleus: [Float]
    private let counter: [Float]
    private let levels: Int
    private let scale: SIMD2<Float>
    private let reference: StainMatrix
    /// Per channel `levels` optical densities, and the residual re-mix (`MacenkoNormalizer
    /// .residualMix`), when the normaliser keeps the off-plane residual.
    private let density: [Float]
    private let residual: StainResidualMix?

    /// Tables for `bitDepth`-bit samples (8 or 16) under `calibration`, normalising as
    /// `normalizer` does (its reference stains, and its residual when kept).
    package init(_ calibration: SlideCalibration, bitDepth: Int, normalizer: MacenkoNormalizer = MacenkoNormalizer()) {
        precondition(bitDepth == 8 || bitDepth == 16, "lookup tables exist for 8- and 16-bit samples")
        self.bitDepth = bitDepth
        let reference = normalizer.reference
        self.reference = reference
        residual = normalizer.residualMix(calibration.estimate)
        levels = 1 << bitDepth
        let stains = calibration.estimate.stains
        // Rows of (MᵀM)⁻¹Mᵀ: the concentrations of unit OD along R, G and B.
        let basis = [SIMD3<Double>(1, 0, 0), SIMD3(0, 1, 0), SIMD3(0, 0, 1)].map { stains.concentrations($0) }
        let full = Float(levels - 1)
        let white = [calibration.white.x, calibration.white.y, calibration.white.z]
        var n = [Float](repeating: 0, count: 3 * levels), c = n, d = n
        for ch in 0..<3 {
            let lw = log10(white[ch])
            for v in 0..<levels {
                let od = Double(max(0, lw - log10(max(Float(v) / full, 1 / 255))))
                n[ch * levels + v] = Float(basis[ch].x * od)
                c[ch * levels + v] = Float(basis[ch].y * od)
                d[ch * levels + v] = Float(od)
            }
        }
        nucleus = n; counter = c; density = residual == nil ? [] : d
        scale = SIMD2<Float>(reference.maxConcentration / stains.maxConcentration)
    }

    /// Per 32-pixel block of `image`: the bounds of its pixels whose nucleus-stain
    /// concentration exceeds `threshold` (before smoothing: a pixel whose smoothed value
    /// exceeds it has such a pixel within the blur's reach).
    package func hotBlocks(_ image: Image, threshold: Float) -> HotBlocks {
        precondition(image.bitDepth == bitDepth, "the lookup was built for \(bitDepth)-bit samples")
        var hot = HotBlocks(width: image.width, height: image.height)
        func scan<S: FixedWidthInteger>(_ p: UnsafeBufferPointer<S>) {
            let (c, g, b) = Self.layout(image)
            nucleus.withUnsafeBufferPointer { t in
                let (t1, t2) = (levels, 2 * levels)
                for y in 0..<image.height {
                    var i = y * image.width * c
                    for x in 0..<image.width {
                        let v = t[Int(p[i])] + t[t1 + Int(p[i + g])] + t[t2 + Int(p[i + b])]
                        if v > threshold { hot.mark(x: x, y: y) }
                        i += c
                    }
                }
            }
        }
        if image.bitDepth == 16 { image.samples16.withUnsafeBufferPointer { scan($0) } } else { image.samples8.withUnsafeBufferPointer { scan($0) } }
        return hot
    }

    /// The (non-negative, unsmoothed) nucleus-stain concentration of every pixel of `image`.
    package func nucleusPlane(_ image: Image) -> FloatPlane {
        precondition(image.bitDepth == bitDepth, "the lookup was built for \(bitDepth)-bit samples")
        var out = [Float](repeating: 0, count: image.width * image.height)
        func fill<S: FixedWidthInteger>(_ p: UnsafeBufferPointer<S>) {
            let (c, g, b) = Self.layout(image)
            nucleus.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { o in
                    let (t1, t2) = (levels, 2 * levels)
                    var i = 0
                    for k in 0..<o.count {
                        o[k] = max(0, t[Int(p[i])] + t[t1 + Int(p[i + g])] + t[t2 + Int(p[i + b])])
                        i += c
                    }
                }
            }
        }
        if image.bitDepth == 16 { image.samples16.withUnsafeBufferPointer { fill($0) } } else { image.samples8.withUnsafeBufferPointer { fill($0) } }
        return FloatPlane(width: image.width, height: image.height, values: out)
    }

    /// The normalised raster and the (non-negative, unsmoothed) nucleus-stain concentration
    /// of `rect` of `image`, as `MacenkoNormalizer.normalizeWithConcentrations` makes them for
    /// a whole field.
    package func window(_ image: Image, _ rect: TilePlan.Rect) -> (normalized: RGBRaster, nucleus: FloatPlane) {
        precondition(image.bitDepth == bitDepth, "the lookup was built for \(bitDepth)-bit samples")
        precondition(rect.x >= 0 && rect.y >= 0 && rect.x + rect.width <= image.width && rect.y + rect.height <= image.height,
                     "window outside the image")
        var out = RGBRaster(width: rect.width, height: rect.height, pixelSpacing: image.pixelSpacing)
        var conc = FloatPlane(width: rect.width, height: rect.height)
        let rn = SIMD3<Float>(reference.nucleus) * scale.x, rc = SIMD3<Float>(reference.counter) * scale.y
        let ln10 = Float(M_LN10), residual = residual
        func fill<S: FixedWidthInteger>(_ p: UnsafeBufferPointer<S>) {
            let (c, g, b) = Self.layout(image)
            nucleus.withUnsafeBufferPointer { tn in
                counter.withUnsafeBufferPointer { tc in
                    density.withUnsafeBufferPointer { td in
                        let (t1, t2) = (levels, 2 * levels)
                        for y in 0..<rect.height {
                            var i = ((rect.y + y) * image.width + rect.x) * c
                            for x in 0..<rect.width {
                                let (u, v, w) = (Int(p[i]), t1 + Int(p[i + g]), t2 + Int(p[i + b]))
                                let cn = max(0, tn[u] + tn[v] + tn[w]), cc = max(0, tc[u] + tc[v] + tc[w])
                                var od = rn * cn + rc * cc
                                if let residual {
                                    od = residual.adding(to: od, density: SIMD3(td[u], td[v], td[w]), nucleus: cn, counter: cc)
                                }
                                let k = y * rect.width + x
                                conc.values[k] = cn
                                out.r[k] = expf(-ln10 * od.x); out.g[k] = expf(-ln10 * od.y); out.b[k] = expf(-ln10 * od.z)
                                i += c
                            }
                        }
                    }
                }
            }
        }
        if image.bitDepth == 16 { image.samples16.withUnsafeBufferPointer { fill($0) } } else { image.samples8.withUnsafeBufferPointer { fill($0) } }
        return (out, conc)
    }

    /// Samples per pixel, and the offsets of the G and B samples from R (0 for gray, which
    /// reads its one channel through all three tables).
    private static func layout(_ image: Image) -> (channels: Int, g: Int, b: Int) {
        image.channels >= 3 ? (image.channels, 1, 2) : (image.channels, 0, 0)
    }
}

/// Which 32-pixel blocks of a tile hold pixels above a threshold, with those pixels'
/// bounds per block (tile pixels, inclusive). Written by `StainLookup.hotBlocks`.
package struct HotBlocks: Sendable {
    package static let side = 32
    package let width: Int
    package let height: Int
    package let columns: Int
    package let rows: Int
    /// Per block: x0, y0, x1, y1 (inclusive) of its hot pixels; x0 > x1 when none.
    package private(set) var bounds: [SIMD4<Int32>]

    package init(width: Int, height: Int) {
        self.width = width; self.height = height
        columns = (width + Self.side - 1) / Self.side; rows = (height + Self.side - 1) / Self.side
        bounds = [SIMD4<Int32>](repeating: SIMD4(Int32.max, Int32.max, -1, -1), count: columns * rows)
    }

    @inline(__always) mutating func mark(x: Int, y: Int) {
        let k = (y / Self.side) * columns + x / Self.side
        let p = SIMD4<Int32>(Int32(x), Int32(y), Int32(x), Int32(y))
        let b = bounds[k]
        bounds[k] = SIMD4(min(b.x, p.x), min(b.y, p.y), max(b.z, p.z), max(b.w, p.w))
    }

    package func isHot(_ k: Int) -> Bool { bounds[k].z >= 0 }
    package var isEmpty: Bool { !bounds.indices.contains(where: isHot) }
}
