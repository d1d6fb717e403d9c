import Tensor

/// Converts feature maps between `[N, C, H, W]` and channels-last token rows `[N*H*W, C]`.
///
/// Swin layers work on tokens (one row per pixel, row-major over `n, y, x`), the rest of the
/// network on NCHW. Both directions are permutations, so each is the other's backward.
package enum WindowTokens {
    /// `[N, C, H, W]` -> `[N*H*W, C]`.
    package static func tokens(fromNCHW x: Tensor) -> Tensor {
        let (n, c, h, w) = x.nchw
        let plane = h * w
        let out = Tensor(uninitialized: [n * plane, c])
        let src = x.data, dst = out.data
        Parallel.forEach(n * plane, minimumPerThread: 256) { row in
            let image = row / plane, p = row % plane
            let base = src + image * c * plane + p
            let o = dst + row * c
            for ch in 0..<c { o[ch] = base[ch * plane] }
        }
        return out
    }

    /// `[N*H*W, C]` -> `[N, C, H, W]`.
    package static func nchw(fromTokens t: Tensor, n: Int, h: Int, w: Int) -> Tensor {
        precondition(t.shape.count == 2 && t.shape[0] == n * h * w, "tokens \(t.shape) do not hold \(n)x\(h)x\(w) pixels")
        let c = t.shape[1], plane = h * w
        let out = Tensor(uninitialized: [n, c, h, w])
        let src = t.data, dst = out.data
        Parallel.forEach(n * c, minimumPerThread: 4) { nc in
            let image = nc / c, ch = nc % c
            let o = dst + nc * plane
            let s = src + image * plane * c + ch
            for p in 0..<plane { o[p] = s[p * c] }
        }
        return out
    }
}
