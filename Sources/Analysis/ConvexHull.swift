/// The convex hull of a set of pixels, for shape measures such as solidity.
///
/// Pixels are taken at their centres. Andrew's monotone chain: points sorted by (x, y), lower
/// and upper chains built with a cross-product turn test, O(n log n); only the first and last
/// pixel of each row can be hull vertices, so at most two points per row are used.
package enum ConvexHull {
    /// Hull vertices in counter-clockwise order (collinear points dropped).
    package static func vertices(_ points: [(x: Int, y: Int)]) -> [(x: Int, y: Int)] {
        let sorted = points.sorted { $0.x != $1.x ? $0.x < $1.x : $0.y < $1.y }
        guard sorted.count > 2 else { return sorted }
        func cross(_ o: (x: Int, y: Int), _ a: (x: Int, y: Int), _ b: (x: Int, y: Int)) -> Int {
            (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x)
        }
        var lower: [(x: Int, y: Int)] = [], upper: [(x: Int, y: Int)] = []
        for p in sorted {
            while lower.count >= 2 && cross(lower[lower.count - 2], lower[lower.count - 1], p) <= 0 { lower.removeLast() }
            lower.append(p)
        }
        for p in sorted.reversed() {
            while upper.count >= 2 && cross(upper[upper.count - 2], upper[upper.count - 1], p) <= 0 { upper.removeLast() }
            upper.append(p)
        }
        return Array(lower.dropLast() + upper.dropLast())
    }

    /// Area enclosed by the hull (shoelace formula), in square pixels between pixel centres.
    package static func area(_ points: [(x: Int, y: Int)]) -> Double {
        let v = vertices(points)
        guard v.count > 2 else { return 0 }
        var twice = 0
        for i in v.indices {
            let a = v[i], b = v[(i + 1) % v.count]
            twice += a.x * b.y - b.x * a.y
        }
        return Double(abs(twice)) / 2
    }

    /// Hull area of pixels given as indices `y * width + x`, using each row's end pixels.
    package static func area(ofPixels pixels: [Int], width: Int) -> Double {
        var ends: [Int: (Int, Int)] = [:]
        for i in pixels {
            let x = i % width, y = i / width
            if let (lo, hi) = ends[y] { ends[y] = (min(lo, x), max(hi, x)) } else { ends[y] = (x, x) }
        }
        return area(ends.flatMap { y, e in [(x: e.0, y: y), (x: e.1, y: y)] })
    }
}
