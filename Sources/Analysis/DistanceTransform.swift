/// Exact Euclidean distance transform (Felzenszwalb & Huttenlocher 2012).
///
/// For every pixel, the squared distance (in pixel units, between pixel centres) to the
/// nearest pixel of the set, computed as two passes of the 1-D lower envelope of parabolas
/// f(q) + (p - q)^2: first along columns, then along rows. O(width * height). Pixels outside
/// the image are not part of the set.
package enum DistanceTransform {
    /// Squared distance to the nearest `true` pixel (`Float.infinity`-like large value when
    /// the mask is empty).
    package static func squared(to mask: BinaryMask) -> FloatPlane {
        let w = mask.width, h = mask.height
        let inf: Float = 1e20
        var d = mask.bits.map { $0 ? Float(0) : inf }
        var f = [Float](repeating: 0, count: max(w, h))
        var out = [Float](repeating: 0, count: max(w, h))
        var v = [Int](repeating: 0, count: max(w, h))
        var z = [Float](repeating: 0, count: max(w, h) + 1)
        for x in 0..<w {
            for y in 0..<h { f[y] = d[y * w + x] }
            envelope(f, h, &out, &v, &z)
            for y in 0..<h { d[y * w + x] = out[y] }
        }
        for y in 0..<h {
            for x in 0..<w { f[x] = d[y * w + x] }
            envelope(f, w, &out, &v, &z)
            for x in 0..<w { d[y * w + x] = out[x] }
        }
        return FloatPlane(width: w, height: h, values: d)
    }

    /// Distance (not squared) from each foreground pixel to the nearest background pixel;
    /// 0 on the background. Outside the image counts as background.
    package static func inside(_ mask: BinaryMask) -> FloatPlane {
        // Pad by one pixel of background so the image border bounds the distance.
        let w = mask.width + 2, h = mask.height + 2
        var padded = BinaryMask(width: w, height: h, fill: true)
        for y in 0..<mask.height { for x in 0..<mask.width { padded[x + 1, y + 1] = !mask[x, y] } }
        let d = squared(to: padded)
        var out = FloatPlane(width: mask.width, height: mask.height)
        for y in 0..<mask.height { for x in 0..<mask.width { out[x, y] = d[x + 1, y + 1].squareRoot() } }
        return out
    }

    private static func envelope(_ f: [Float], _ n: Int, _ d: inout [Float], _ v: inout [Int], _ z: inout [Float]) {
        let inf: Float = 1e30
        var k = 0
        v[0] = 0; z[0] = -inf; z[1] = inf
        if n == 0 { return }
        for q in 1..<max(n, 1) {
            var s: Float
            repeat {
                let p = v[k]
                s = ((f[q] + Float(q * q)) - (f[p] + Float(p * p))) / Float(2 * (q - p))
                if s <= z[k] { k -= 1 } else { break }
            } while k >= 0
            k += 1
            v[k] = q; z[k] = s; z[k + 1] = inf
        }
        k = 0
        for q in 0..<n {
            while z[k + 1] < Float(q) { k += 1 }
            let p = v[k]
            d[q] = Float((q - p) * (q - p)) + f[p]
        }
    }
}
