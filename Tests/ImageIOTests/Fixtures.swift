import Foundation
@testable import ImageIO

/// Generated test images and a scratch folder; nothing here reads a dataset.
enum Fixtures {
    /// Deletes a folder made by `scratch` (tests call it in a `defer`).
    static func remove(_ dir: String) { try? FileManager.default.removeItem(atPath: dir) }

    /// A fresh empty folder under the system temporary directory.
    static func scratch(_ name: String = #function) throws -> String {
        let clean = name.filter { $0.isLetter || $0.isNumber }
        let dir = NSTemporaryDirectory() + "leuko-imageio-\(clean)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Seeded pseudo-random samples (lossless codecs must return them exactly).
    static func noise(width: Int, height: Int, channels: Int, bitDepth: Int = 8, seed: UInt64 = 1) -> Image {
        var state = seed &* 0x9E37_79B9_7F4A_7C15 | 1
        func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        let n = width * height * channels
        if bitDepth == 8 {
            return Image(width: width, height: height, channels: channels, samples: (0..<n).map { _ in UInt8(truncatingIfNeeded: next()) })
        }
        return Image(width: width, height: height, channels: channels, samples16: (0..<n).map { _ in UInt16(truncatingIfNeeded: next()) })
    }

    /// A smooth image (gradients and soft blobs), so lossy codecs stay close to it.
    static func smooth(width: Int, height: Int, channels: Int = 3) -> Image {
        var samples = [UInt8](repeating: 0, count: width * height * channels)
        for y in 0..<height {
            for x in 0..<width {
                let fx = Double(x) / Double(max(width - 1, 1)), fy = Double(y) / Double(max(height - 1, 1))
                let values = [fx, fy, 0.5 + 0.4 * sin(6 * fx) * cos(5 * fy), 1 - fx * fy]
                for c in 0..<channels {
                    samples[(y * width + x) * channels + c] = UInt8((values[c] * 255).rounded())
                }
            }
        }
        return Image(width: width, height: height, channels: channels, samples: samples)
    }

    /// Four flat quadrants (red, green, blue, white): orientation is visible at the corners.
    static func quadrants(width: Int, height: Int) -> Image {
        var samples = [UInt8](repeating: 0, count: width * height * 3)
        let colours: [[UInt8]] = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]]
        for y in 0..<height {
            for x in 0..<width {
                let q = (y < height / 2 ? 0 : 2) + (x < width / 2 ? 0 : 1)
                for c in 0..<3 { samples[(y * width + x) * 3 + c] = colours[q][c] }
            }
        }
        return Image(width: width, height: height, channels: 3, samples: samples)
    }

    /// Largest absolute sample difference between two 8-bit images of equal shape.
    static func maxDifference(_ a: Image, _ b: Image) -> Int {
        precondition(a.width == b.width && a.height == b.height && a.channels == b.channels)
        var worst = 0
        for i in 0..<a.sampleCount { worst = max(worst, abs(Int(a.samples8[i]) - Int(b.samples8[i]))) }
        return worst
    }

    /// Mean absolute sample difference between two 8-bit images of equal shape.
    static func meanDifference(_ a: Image, _ b: Image) -> Double {
        var total = 0
        for i in 0..<a.sampleCount { total += abs(Int(a.samples8[i]) - Int(b.samples8[i])) }
        return Double(total) / Double(a.sampleCount)
    }

    static func bytes(_ path: String) throws -> [UInt8] { [UInt8](try Data(contentsOf: URL(fileURLWithPath: path))) }
    static func write(_ bytes: [UInt8], _ path: String) throws { try Data(bytes).write(to: URL(fileURLWithPath: path)) }
}
