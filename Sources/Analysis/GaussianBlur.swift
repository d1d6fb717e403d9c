import Foundation

/// Separable Gaussian smoothing with edge clamping.
///
/// The kernel is sampled at integer offsets out to 3 sigma and normalised to sum 1.
/// Sigma below 0.1 returns the input unchanged.
package enum GaussianBlur {
    package static func kernel(sigma: Double) -> [Float] {
        let radius = max(1, Int((3 * sigma).rounded(.up)))
        var k = (-radius...radius).map { Float(exp(-Double($0 * $0) / (2 * sigma * sigma))) }
        let s = k.reduce(0, +)
        for i in k.indices { k[i] /= s }
        return k
    }

    package static func apply(_ plane: FloatPlane, sigma: Double) -> FloatPlane {
        guard sigma >= 0.1, plane.width > 0, plane.height > 0 else { return plane }
        let kernel = kernel(sigma: sigma), r = kernel.count / 2
        let w = plane.width, h = plane.height
        var tmp = [Float](repeating: 0, count: w * h)
        var out = [Float](repeating: 0, count: w * h)
        kernel.withUnsafeBufferPointer { k in
            plane.values.withUnsafeBufferPointer { src in
                tmp.withUnsafeMutableBufferPointer { t in
                    for y in 0..<h {
                        let row = y * w
                        for x in 0..<w {
                            var s: Float = 0
                            if x >= r && x + r < w {
                                for j in 0..<k.count { s += k[j] * src[row + x + j - r] }
                            } else {
                                for j in 0..<k.count { s += k[j] * src[row + min(max(x + j - r, 0), w - 1)] }
                            }
                            t[row + x] = s
                        }
                    }
                }
            }
            tmp.withUnsafeBufferPointer { t in
                out.withUnsafeMutableBufferPointer { o in
                    for y in 0..<h {
                        for j in 0..<k.count {
                            let sy = min(max(y + j - r, 0), h - 1) * w, kj = k[j], dst = y * w
                            for x in 0..<w { o[dst + x] += kj * t[sy + x] }
                        }
                    }
                }
            }
        }
        return FloatPlane(width: w, height: h, values: out)
    }
}
