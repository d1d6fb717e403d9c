import Foundation

/// Optical density (Beer-Lambert) of an RGB raster relative to its own glass white level.
///
/// For channel c: OD_c = -log10(max(I_c, 1/255) / W_c), clamped below at 0, where W is the
/// background (glass) white level of this image (`estimateWhite`). A stain's OD is
/// proportional to its amount, and a mixture's OD is the sum of its stains' ODs, which is
/// what Macenko's unmixing and the saliency prior rely on. Planes are `width * height`.
package struct OpticalDensity: Sendable {
    package let width: Int
    package let height: Int
    package var r: [Float]
    package var g: [Float]
    package var b: [Float]
    /// The white level W used (per channel, in [0, 1]).
    package let white: (Float, Float, Float)

    package init(_ image: RGBRaster, white: (Float, Float, Float)? = nil) {
        let w = white ?? OpticalDensity.estimateWhite(image)
        width = image.width; height = image.height; self.white = w
        func od(_ p: [Float], _ wc: Float) -> [Float] {
            let lw = log10(wc)
            return p.map { max(0, lw - log10(max($0, 1 / 255))) }
        }
        r = od(image.r, w.0); g = od(image.g, w.1); b = od(image.b, w.2)
    }

    /// Euclidean norm of the OD vector at pixel i (how much stain there is, of any kind).
    @inline(__always) package func norm(_ i: Int) -> Float {
        (r[i] * r[i] + g[i] * g[i] + b[i] * b[i]).squareRoot()
    }

    /// The glass white level: among pixels whose brightness r+g+b is at or above the 90th
    /// percentile, the per-channel median. Smears are mostly glass or pale red cells, so the
    /// brightest tenth is glass; the median ignores specular spots. Clamped to [0.2, 1] so a
    /// dark image cannot produce absurd densities.
    package static func estimateWhite(_ image: RGBRaster) -> (Float, Float, Float) {
        guard image.count > 0 else { return (1, 1, 1) }
        var brightness = [Float](repeating: 0, count: image.count)
        for i in 0..<image.count { brightness[i] = image.r[i] + image.g[i] + image.b[i] }
        let cut = Statistics.percentile(brightness, 90)
        var rs: [Float] = [], gs: [Float] = [], bs: [Float] = []
        for i in 0..<image.count where brightness[i] >= cut {
            rs.append(image.r[i]); gs.append(image.g[i]); bs.append(image.b[i])
        }
        func c(_ v: Float) -> Float { min(1, max(0.2, v)) }
        return (c(Statistics.median(rs)), c(Statistics.median(gs)), c(Statistics.median(bs)))
    }
}
