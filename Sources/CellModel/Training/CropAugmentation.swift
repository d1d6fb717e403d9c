import Foundation
import Tensor

/// Seeded augmentation of a training crop and its mask, spanning the stains and optics of
/// other labs (what-fails-across-labs: stain shift and scale broke a network like ours).
///
/// In order: a random one of the 8 flips/90-degree rotations (crop channels and mask alike);
/// stain jitter in optical density, `OD_c = -ln(I_c)`, each RGB channel's OD scaled by
/// `1 + U(-s, s)` and shifted by `U(-b, b)` (the RGB-space analogue of HED jitter: it changes
/// how much of each dye a cell took up); gamma `U(1/g, g)`; brightness `+U(-d, d)` and contrast
/// `x U(1/c, c)` about the mean; Gaussian noise of std `U(0, n)`. The saliency channel moves
/// with the geometry only. All draws come from the caller's generator, so a seed fixes the result.
package struct CropAugmentation: Sendable, Codable, Equatable {
    package var stainScale: Float = 0.15
    package var stainShift: Float = 0.05
    package var gamma: Float = 1.25
    package var brightness: Float = 0.06
    package var contrast: Float = 1.2
    package var noise: Float = 0.02

    package init() {}

    package func apply(_ sample: inout TrainingSample, rng: inout RandomSource) {
        let s = sample.size, plane = s * s
        let transform = Int(rng.next() % 8)
        if transform != 0 {
            sample.crop = Self.dihedral(sample.crop, size: s, channels: 4, transform: transform)
            if let mask = sample.mask { sample.mask = Self.dihedral(mask, size: s, channels: 1, transform: transform) }
        }
        let scales = (0..<3).map { _ in 1 + rng.uniform(-stainScale, stainScale) }
        let shifts = (0..<3).map { _ in rng.uniform(-stainShift, stainShift) }
        let g = Foundation.exp(rng.uniform(-1, 1) * Foundation.log(gamma))
        let offset = rng.uniform(-brightness, brightness)
        let factor = Foundation.exp(rng.uniform(-1, 1) * Foundation.log(contrast))
        let sigma = rng.uniform(0, noise)
        for c in 0..<3 {
            var sum: Float = 0
            for p in 0..<plane {
                let i = c * plane + p
                let od = -Foundation.log(max(sample.crop[i], 1e-3)) * scales[c] + shifts[c]
                let v = Foundation.pow(min(max(Foundation.exp(-max(od, 0)), 0), 1), g)
                sample.crop[i] = v
                sum += v
            }
            let mean = sum / Float(plane)
            for p in 0..<plane {
                let i = c * plane + p
                let v = (sample.crop[i] - mean) * factor + mean + offset + sigma * rng.normal()
                sample.crop[i] = min(max(v, 0), 1)
            }
        }
    }

    /// One of the 8 symmetries of the square (0 identity; 1-3 rotations by 90, 180, 270
    /// degrees; 4-7 the same after a horizontal flip), applied to every channel plane.
    package static func dihedral<T>(_ data: [T], size s: Int, channels: Int, transform: Int) -> [T] {
        var out = data
        let plane = s * s
        for c in 0..<channels {
            for y in 0..<s {
                for x in 0..<s {
                    let fx = transform >= 4 ? s - 1 - x : x
                    let (sx, sy): (Int, Int)
                    switch transform % 4 {
                    case 1: (sx, sy) = (y, s - 1 - fx)
                    case 2: (sx, sy) = (s - 1 - fx, s - 1 - y)
                    case 3: (sx, sy) = (s - 1 - y, fx)
                    default: (sx, sy) = (fx, y)
                    }
                    out[c * plane + y * s + x] = data[c * plane + sy * s + sx]
                }
            }
        }
        return out
    }
}
