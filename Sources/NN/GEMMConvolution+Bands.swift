extension GEMMConvolution {
    /// Output pixels per band (rounded to whole output rows, at least one row).
    ///
    /// Measured on this machine (Zen 3, OpenBLAS `Zen` kernels, one thread, process CPU time,
    /// forward GFLOP/s over sgemm GFLOP/s): 3x3 24 -> 32 at 64x64 (patch 216) ran at 0.53 with
    /// whole-image column matrices, 0.74-0.79 with bands of 64-128 pixels, and fell back to
    /// 0.62-0.68 from 192 pixels up; 3x3 64 -> 64 at 32x32 (patch 576) ran at 0.69-0.71 whole
    /// and 0.73-0.80 with 96-256 pixels; 3x3 56 -> 32 at 64x64 (patch 504) 0.50 whole and
    /// 0.62-0.69 for 128-384 pixels; the stride-2 stem 4 -> 24 (patch 36) 0.26-0.37 whole and
    /// 0.38-0.46 for 128-512. 128 is the best or within noise of it for each.
    ///
    /// Grouped convolutions run one small sgemm per group and band, and the extra calls cost
    /// more than the cache gains: ResNeXt's 3x3 64 -> 64 in 8 groups at 32x32 ran at 0.43
    /// whole and 0.36 with 128-pixel bands. Their bands are `groups` times longer (whole
    /// images for that layer).
    static let bandPixels = 128

    /// Every image is cut into at least this many bands, so that one image (batch 1, the
    /// analyzer's usual case) still gives each thread its own bands. Fixed, not the thread
    /// count: band sizes depend only on the geometry, so results do not depend on threads.
    static let minimumBandsPerImage = 4

    /// Output rows per band for `g`: `bandPixels * groups` rounded to whole rows (at least
    /// one); a pointwise convolution, which has no column matrix to keep in cache, takes the
    /// whole image; either at most `outHeight / minimumBandsPerImage` rows (rounded up).
    static func bandRows(_ g: ConvGeometry) -> Int {
        let cap = (g.outHeight + minimumBandsPerImage - 1) / minimumBandsPerImage
        if g.isPointwise { return max(1, cap) }
        let pixels = bandPixels * g.groups
        return max(1, min(cap, (pixels + g.outWidth / 2) / g.outWidth))
    }
}
