import Foundation

/// Reinhard colour transfer in Ruderman's lαβ space: match each channel's mean and standard
/// deviation to a reference.
///
/// The maths (Reinhard et al. 2001): RGB -> LMS by a fixed 3x3 matrix, L = log10(LMS),
/// then l = (L+M+S)/√3, α = (L+M-2S)/√6, β = (L-M)/√2 (decorrelated for natural images).
/// Each channel x becomes (x - μ_img) · σ_ref/σ_img + μ_ref, then the inverse maps back to
/// RGB. Statistics are over all pixels. Simpler than Macenko and blind to stains: it moves
/// the whole colour distribution, so an image with many more red cells than the reference
/// shifts its WBC colours too. Deterministic.
package struct ReinhardNormalizer: Sendable {
    /// Target mean and standard deviation of (l, α, β).
    package var referenceMean: SIMD3<Double>
    package var referenceStd: SIMD3<Double>

    /// The median lαβ statistics of 102 PBC development images (every 19th row of
    /// `pbc/index.csv`), the same reference appearance as `StainMatrix.reference`.
    package static let pbcReference = ReinhardNormalizer(
        mean: SIMD3(-0.2278, 0.0155, 0.0107), std: SIMD3(0.1922, 0.0732, 0.0055))

    package init(mean: SIMD3<Double>, std: SIMD3<Double>) {
        referenceMean = mean; referenceStd = std
    }

    /// Mean and standard deviation of an image in lαβ.
    package static func statistics(_ image: RGBRaster) -> (mean: SIMD3<Double>, std: SIMD3<Double>) {
        var sum = SIMD3<Double>(0, 0, 0), sq = SIMD3<Double>(0, 0, 0)
        for i in 0..<image.count {
            let v = toLAB(image.r[i], image.g[i], image.b[i])
            sum += v; sq += v * v
        }
        let n = Double(max(1, image.count))
        let mean = sum / n
        let variance = sq / n - mean * mean
        return (mean, SIMD3(variance.x.squareRoot(), variance.y.squareRoot(), variance.z.squareRoot()))
    }

    package func normalize(_ image: RGBRaster) -> RGBRaster {
        let s = Self.statistics(image)
        let gain = referenceStd / SIMD3(max(s.std.x, 1e-6), max(s.std.y, 1e-6), max(s.std.z, 1e-6))
        var out = RGBRaster(width: image.width, height: image.height, pixelSpacing: image.pixelSpacing)
        for i in 0..<image.count {
            let v = (Self.toLAB(image.r[i], image.g[i], image.b[i]) - s.mean) * gain + referenceMean
            let rgb = Self.fromLAB(v)
            out.r[i] = Float(min(1, max(0, rgb.x))); out.g[i] = Float(min(1, max(0, rgb.y)))
            out.b[i] = Float(min(1, max(0, rgb.z)))
        }
        return out
    }

    package static func toLAB(_ r: Float, _ g: Float, _ b: Float) -> SIMD3<Double> {
        let R = Double(max(r, 1 / 255)), G = Double(max(g, 1 / 255)), B = Double(max(b, 1 / 255))
        let L = log10(0.3811 * R + 0.5783 * G + 0.0402 * B)
        let M = log10(0.1967 * R + 0.7244 * G + 0.0782 * B)
        let S = log10(0.0241 * R + 0.1288 * G + 0.8444 * B)
        return SIMD3((L + M + S) / 3.0.squareRoot(), (L + M - 2 * S) / 6.0.squareRoot(), (L - M) / 2.0.squareRoot())
    }

    package static func fromLAB(_ v: SIMD3<Double>) -> SIMD3<Double> {
        let a = v.x / 3.0.squareRoot(), b = v.y / 6.0.squareRoot(), c = v.z / 2.0.squareRoot()
        let L = pow(10, a + b + c), M = pow(10, a + b - c), S = pow(10, a - 2 * b)
        return SIMD3(4.4679 * L - 3.5873 * M + 0.1193 * S,
                     -1.2186 * L + 2.3809 * M - 0.1624 * S,
                     0.0497 * L - 0.2439 * M + 1.2045 * S)
    }
}
