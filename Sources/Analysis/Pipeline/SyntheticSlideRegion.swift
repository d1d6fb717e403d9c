import Foundation
import ImageIO

/// A generated smear region for `leuko bench analyze`: red cells covering about half the
/// glass (a monolayer) and WBCs at a chosen density, drawn from the reference stains
/// (Beer-Lambert), written as a tiled TIFF block by block (memory: one block).
///
/// Discs are placed once (deterministic for a seed) and each block renders the discs that
/// touch it, so cells cross block boundaries seamlessly. Red cells: radius 18 px, one per
/// 2,000 px². WBCs: nucleus radius 18, cytoplasm 29 px. Real smears have one WBC per 500 to
/// 1,000 red cells; the default 1 per megapixel is about one per 500. It does not model
/// overlap, platelets or stain variation.
package enum SyntheticSlideRegion {
    package struct Disc: Sendable { var x: Double, y: Double, r: Double, nucleus: Float, counter: Float }

    /// The discs of a `width x height` region, red cells first, then each WBC as cytoplasm
    /// then nucleus (later discs replace earlier ones); also the WBC centres, at least
    /// `spacing` pixels apart (58: cytoplasms touch). Traps when that many WBCs do not fit.
    package static func layout(width: Int, height: Int, wbcPerMegapixel: Double, seed: UInt64, spacing: Double = 70)
        -> (discs: [Disc], wbcs: [(x: Double, y: Double)]) {
        var state = seed
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        var discs: [Disc] = []
        for _ in 0..<(width * height / 2000) {
            discs.append(Disc(x: next() * Double(width), y: next() * Double(height), r: 18, nucleus: 0, counter: 0.3))
        }
        var wbcs: [(x: Double, y: Double)] = []
        let count = Int((Double(width * height) / 1e6 * wbcPerMegapixel).rounded())
        var attempts = 0
        while wbcs.count < count {
            attempts += 1
            precondition(attempts < 1000 * (count + 10), "\(count) WBCs \(spacing) px apart do not fit \(width) x \(height)")
            let (x, y) = (40 + next() * Double(width - 80), 40 + next() * Double(height - 80))
            guard wbcs.allSatisfy({ hypot($0.x - x, $0.y - y) > spacing }) else { continue }
            wbcs.append((x, y))
            discs.append(Disc(x: x, y: y, r: 29, nucleus: 0.08, counter: 0.08))
            discs.append(Disc(x: x, y: y, r: 18, nucleus: 0.9, counter: 0.05))
        }
        return (discs, wbcs)
    }

    /// Writes the region as an 8-bit RGB TIFF with 512-px JPEG tiles; returns the WBC centres.
    /// `spacing`: the WBC centres' minimum distance (see `layout`).
    @discardableResult
    package static func writeTIFF(to path: String, width: Int, height: Int, wbcPerMegapixel: Double = 1,
                                  spacing: Double = 70, seed: UInt64 = 0x5EED) throws -> [(x: Double, y: Double)] {
        let (discs, wbcs) = layout(width: width, height: height, wbcPerMegapixel: wbcPerMegapixel, seed: seed,
                                   spacing: spacing)
        let bucket = 256
        var grid: [Int: [Int]] = [:]
        for (i, d) in discs.enumerated() {
            for by in Int((d.y - d.r) / Double(bucket))...Int((d.y + d.r) / Double(bucket)) {
                for bx in Int((d.x - d.r) / Double(bucket))...Int((d.x + d.r) / Double(bucket)) {
                    grid[by &* 100_003 &+ bx, default: []].append(i)
                }
            }
        }
        let stains = StainMatrix.reference
        let (sn, sc) = (SIMD3<Float>(stains.nucleus), SIMD3<Float>(stains.counter))
        let page = TIFFPageSource(width: width, height: height, channels: 3, bitDepth: 8) { x, y, w, h in
            var nucleus = [Float](repeating: 0, count: w * h), counter = nucleus
            var seen = Set<Int>()
            for by in (y / bucket)...((y + h - 1) / bucket) {
                for bx in (x / bucket)...((x + w - 1) / bucket) { seen.formUnion(grid[by &* 100_003 &+ bx] ?? []) }
            }
            for i in seen.sorted() {
                let d = discs[i]
                for py in max(y, Int(d.y - d.r))..<min(y + h, Int(d.y + d.r) + 1) {
                    for px in max(x, Int(d.x - d.r))..<min(x + w, Int(d.x + d.r) + 1) {
                        let (dx, dy) = (Double(px) + 0.5 - d.x, Double(py) + 0.5 - d.y)
                        if dx * dx + dy * dy <= d.r * d.r {
                            nucleus[(py - y) * w + px - x] = d.nucleus; counter[(py - y) * w + px - x] = d.counter
                        }
                    }
                }
            }
            var samples = [UInt8](repeating: 0, count: w * h * 3)
            let ln10 = Float(M_LN10)
            for i in 0..<(w * h) {
                let od = sn * nucleus[i] + sc * counter[i]
                for k in 0..<3 { samples[3 * i + k] = UInt8(max(0, min(255, (expf(-ln10 * od[k]) * 255).rounded()))) }
            }
            return Image(width: w, height: h, channels: 3, samples: samples)
        }
        try ImageWriter.writeTIFF(pages: [page], to: path,
                                  options: TIFFWriteOptions(layout: .tiles(width: 512, height: 512), compression: .jpeg,
                                                            jpegQuality: 92, bigTIFF: true))
        return wbcs
    }
}
