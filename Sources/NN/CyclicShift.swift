import Tensor

/// Cyclic shift of `[N, C, H, W]` feature maps over H and W, with `torch.roll` semantics.
///
/// `roll(x, dy, dx)[n, c, y, x'] = x[n, c, (y - dy) mod H, (x' - dx) mod W]`, so a positive
/// shift moves content down/right and Swin's `roll(x, (-s, -s))` is `roll(x, -s, -s)`.
/// The backward of a roll is the roll by the negated shifts. Inside Swin blocks the shift is
/// fused into `WindowPartition`; this standalone op states and tests the convention.
package enum CyclicShift {
    /// Rolls `x` by `dy` rows and `dx` columns (any sign, any size).
    package static func roll(_ x: Tensor, dy: Int, dx: Int) -> Tensor {
        let (n, c, h, w) = x.nchw
        let out = Tensor(uninitialized: x.shape)
        let sy = ((dy % h) + h) % h, sx = ((dx % w) + w) % w
        let src = x.data, dst = out.data
        Parallel.forEach(n * c, minimumPerThread: 4) { plane in
            let s = src + plane * h * w, d = dst + plane * h * w
            for y in 0..<h {
                let from = s + ((y - sy + h) % h) * w, to = d + y * w
                // to[x] = from[(x - sx) mod w]: two contiguous pieces.
                (to + sx).update(from: from, count: w - sx)
                to.update(from: from + (w - sx), count: sx)
            }
        }
        return out
    }

    /// Backward of `roll(x, dy, dx)`: the upstream gradient rolled back.
    package static func rollBackward(_ dOutput: Tensor, dy: Int, dx: Int) -> Tensor {
        roll(dOutput, dy: -dy, dx: -dx)
    }
}
