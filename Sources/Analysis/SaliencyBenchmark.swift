import Foundation

/// Speed of the front half (stain normalisation + saliency prior + candidates) for
/// `leuko bench` (the command itself belongs to the bench owner; this is the measurement).
///
/// Runs `FieldLocalizer.run` on a synthetic smear field of the requested size (red cells
/// and a few WBCs drawn from known stains, deterministic), `repeats` times after one
/// warm-up, and reports the median wall time in ms and the throughput in MB/s of 8-bit RGB
/// input (width * height * 3 bytes / time). Single-threaded.
package enum SaliencyBenchmark {
    package struct Measurement: Sendable, Codable, Equatable {
        package var width: Int
        package var height: Int
        package var repeats: Int
        package var candidates: Int
        package var medianMilliseconds: Double
        package var megabytesPerSecond: Double

        enum CodingKeys: String, CodingKey {
            case width, height, repeats, candidates
            case medianMilliseconds = "median_ms"
            case megabytesPerSecond = "mb_per_s"
        }
    }

    /// The default cases of issue 4: a 640x480 field and a 4096x4096 region.
    package static let standardSizes = [(640, 480), (4096, 4096)]

    package static func measure(width: Int, height: Int, repeats: Int = 5) throws -> Measurement {
        let image = syntheticField(width: width, height: height)
        let localizer = FieldLocalizer()
        var found = try localizer.run(image).candidates.count
        var times: [Double] = []
        for _ in 0..<max(1, repeats) {
            let start = DispatchTime.now().uptimeNanoseconds
            found = try localizer.run(image).candidates.count
            times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
        }
        times.sort()
        let median = times[times.count / 2]
        return Measurement(width: width, height: height, repeats: times.count, candidates: found,
                           medianMilliseconds: median,
                           megabytesPerSecond: Double(width * height * 3) / 1e6 / (median / 1000))
    }

    /// A deterministic smear-like field: pale-pink red cells (counter stain, ~1/12 of the
    /// shorter side) on white glass, and one WBC (nucleus and cytoplasm) per 300x300 px.
    package static func syntheticField(width: Int, height: Int) -> RGBRaster {
        var nucleus = [Float](repeating: 0, count: width * height), counter = nucleus
        var state: UInt64 = 0x5EED
        func next() -> Double {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Double(state >> 11) / Double(1 << 53)
        }
        func disc(_ cx: Double, _ cy: Double, _ r: Double, _ n: Float, _ c: Float) {
            for y in max(0, Int(cy - r))..<min(height, Int(cy + r) + 1) {
                for x in max(0, Int(cx - r))..<min(width, Int(cx + r) + 1) {
                    let dx = Double(x) - cx, dy = Double(y) - cy
                    if dx * dx + dy * dy <= r * r { nucleus[y * width + x] = n; counter[y * width + x] = c }
                }
            }
        }
        let rbc = 18.0
        for _ in 0..<(width * height / 2000) { disc(next() * Double(width), next() * Double(height), rbc, 0, 0.3) }
        for _ in 0..<max(1, width * height / 90_000) {
            let x = next() * Double(width), y = next() * Double(height)
            disc(x, y, rbc * 1.6, 0.08, 0.08); disc(x, y, rbc, 0.9, 0.05)
        }
        let s = StainMatrix.reference
        var img = RGBRaster(width: width, height: height)
        for i in 0..<(width * height) {
            let n = Double(nucleus[i]), c = Double(counter[i])
            img.r[i] = Float(pow(10, -(s.nucleus.x * n + s.counter.x * c)))
            img.g[i] = Float(pow(10, -(s.nucleus.y * n + s.counter.y * c)))
            img.b[i] = Float(pow(10, -(s.nucleus.z * n + s.counter.z * c)))
        }
        return img
    }
}
