import ImageIO

/// A deterministic synthetic blood-smear field, for `leuko bench daemon` and the end-to-end
/// test when no real fields are at hand: a pale pink background, red cells as light discs, and
/// white cells as violet nuclei in a paler cytoplasm. 8-bit RGB, row-major.
///
/// It gives the analysis real work (candidates to crop and classify) at a known size; it does
/// not claim to look like a smear to a hematologist, and the cell types found in it mean
/// nothing. Cell sizes scale with the shorter side (a 96-pixel field holds about one white
/// cell's worth of nucleus).
package enum SyntheticField {
    /// The field `seed` of `width x height` with `whiteCells` white cells.
    package static func image(width: Int, height: Int, whiteCells: Int, seed: UInt64) -> Image {
        var random = SplitMix64(seed: seed)
        let side = Double(min(width, height))
        let redRadius = max(3, side / 14)
        let nucleusRadius = max(4, side / 9)
        var samples = [UInt8](repeating: 0, count: width * height * 3)
        func fill(_ x: Double, _ y: Double, _ radius: Double, _ colour: (UInt8, UInt8, UInt8)) {
            let x0 = max(0, Int(x - radius)), x1 = min(width - 1, Int(x + radius))
            let y0 = max(0, Int(y - radius)), y1 = min(height - 1, Int(y + radius))
            guard x0 <= x1, y0 <= y1 else { return }
            for py in y0...y1 {
                for px in x0...x1 {
                    let dx = Double(px) - x, dy = Double(py) - y
                    guard dx * dx + dy * dy <= radius * radius else { continue }
                    let o = (py * width + px) * 3
                    samples[o] = colour.0; samples[o + 1] = colour.1; samples[o + 2] = colour.2
                }
            }
        }
        for i in 0..<(width * height) {
            let grain = UInt8(random.next() % 7)
            samples[i * 3] = 232 + grain; samples[i * 3 + 1] = 212 + grain; samples[i * 3 + 2] = 218 + grain
        }
        let redCells = Int(Double(width * height) / (redRadius * redRadius * 12))
        for _ in 0..<redCells {
            fill(random.unit() * Double(width), random.unit() * Double(height), redRadius * (0.85 + 0.3 * random.unit()),
                 (214, 146, 158))
        }
        for _ in 0..<whiteCells {
            let x = nucleusRadius * 1.8 + random.unit() * max(1, Double(width) - nucleusRadius * 3.6)
            let y = nucleusRadius * 1.8 + random.unit() * max(1, Double(height) - nucleusRadius * 3.6)
            fill(x, y, nucleusRadius * 1.6, (204, 178, 212))
            for _ in 0..<3 {  // a lobed nucleus
                fill(x + (random.unit() - 0.5) * nucleusRadius, y + (random.unit() - 0.5) * nucleusRadius,
                     nucleusRadius * (0.55 + 0.2 * random.unit()), (92, 48, 142))
            }
        }
        return Image(width: width, height: height, channels: 3, samples: samples)
    }
}

/// SplitMix64: a small seeded generator, so a field is the same on every machine.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
