import Tensor

/// Swin's attention mask for shifted windows: `-100` between tokens that came from different
/// regions of the unrolled image, `0` within a region.
///
/// Regions are the slices `[0, H-window)`, `[H-window, H-shift)`, `[H-shift, H)` in each axis
/// (3 x 3 labels), computed on the image before the cyclic shift is undone, exactly as
/// Swin's `img_mask`. The result is `[nW, n, n]` for the `nW` windows of one image in
/// `WindowPartition` order (`n = window^2`); it is the same for every image of a batch.
package enum WindowShiftMask {
    /// The masking value Swin adds to logits of cross-region token pairs.
    package static let maskedValue: Float = -100

    /// The mask, or nil when `shift == 0` (no masking needed).
    package static func make(height: Int, width: Int, window: Int, shift: Int) -> Tensor? {
        guard shift > 0 else { return nil }
        precondition(height % window == 0 && width % window == 0 && shift < window,
                     "WindowShiftMask: bad geometry \(height)x\(width) window \(window) shift \(shift)")
        func region(_ i: Int, _ extent: Int) -> Int {
            i < extent - window ? 0 : (i < extent - shift ? 1 : 2)
        }
        let (wh, ww) = (height / window, width / window)
        let n = window * window
        let mask = Tensor(zeros: [wh * ww, n, n])
        var labels = [Int](repeating: 0, count: n)
        for wy in 0..<wh {
            for wx in 0..<ww {
                for t in 0..<n {
                    let y = wy * window + t / window, x = wx * window + t % window
                    labels[t] = region(y, height) * 3 + region(x, width)
                }
                let m = mask.data + (wy * ww + wx) * n * n
                for i in 0..<n { for j in 0..<n where labels[i] != labels[j] { m[i * n + j] = maskedValue } }
            }
        }
        return mask
    }
}
