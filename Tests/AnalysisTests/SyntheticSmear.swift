import Foundation
@testable import Analysis

/// Draws synthetic smear images from known stain vectors (Beer-Lambert), for tests.
///
/// Every pixel has a nucleus-stain and a counter-stain concentration; the colour is
/// white * 10^-(c_n * nucleus + c_c * counter). Discs are anti-aliased by nothing: hard edges.
struct SyntheticSmear {
    let width: Int
    let height: Int
    var nucleus: [Double]
    var counter: [Double]

    init(width: Int, height: Int) {
        self.width = width; self.height = height
        nucleus = [Double](repeating: 0, count: width * height)
        counter = nucleus
    }

    /// Adds concentration inside a disc (or sets it when `replace`).
    mutating func disc(x: Double, y: Double, r: Double, nucleus n: Double = 0, counter c: Double = 0, replace: Bool = false) {
        for py in max(0, Int(y - r) - 1)..<min(height, Int(y + r) + 2) {
            for px in max(0, Int(x - r) - 1)..<min(width, Int(x + r) + 2) {
                let dx = Double(px) + 0.5 - x, dy = Double(py) + 0.5 - y
                guard dx * dx + dy * dy <= r * r else { continue }
                let i = py * width + px
                if replace { nucleus[i] = n; counter[i] = c } else { nucleus[i] += n; counter[i] += c }
            }
        }
    }

    func render(stains: StainMatrix, white: SIMD3<Double> = SIMD3(1, 1, 1)) -> RGBRaster {
        var img = RGBRaster(width: width, height: height)
        for i in 0..<(width * height) {
            let od = stains.nucleus * nucleus[i] + stains.counter * counter[i]
            img.r[i] = Float(white.x * pow(10, -od.x)); img.g[i] = Float(white.y * pow(10, -od.y))
            img.b[i] = Float(white.z * pow(10, -od.z))
        }
        return img
    }
}

/// A tiny deterministic generator for test layouts (SplitMix64).
struct TestRandom {
    var state: UInt64
    mutating func next() -> Double {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return Double((z ^ (z >> 31)) >> 11) / Double(1 << 53)
    }
}
