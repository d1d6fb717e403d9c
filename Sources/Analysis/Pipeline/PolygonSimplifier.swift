/// Douglas-Peucker simplification of a closed polygon.
///
/// Points in any unit; `tolerance` in the same unit: every removed point lies within it of
/// the simplified outline. The ring is split at its first point and the point farthest from
/// it, and each half is simplified on an explicit stack (no recursion depth limit). Rings of
/// three or fewer points are returned as they are.
package enum PolygonSimplifier {
    package static func simplifyClosed(_ ring: [ContourPoint], tolerance: Double) -> [ContourPoint] {
        guard ring.count > 3, tolerance > 0 else { return ring }
        let a = ring[0]
        var far = 0, farDistance = -1.0
        for (i, p) in ring.enumerated() {
            let d = (p.x - a.x) * (p.x - a.x) + (p.y - a.y) * (p.y - a.y)
            if d > farDistance { farDistance = d; far = i }
        }
        guard far > 0 else { return [a] }
        let first = simplifyOpen(Array(ring[0...far]), tolerance: tolerance)
        let second = simplifyOpen(Array(ring[far...]) + [a], tolerance: tolerance)
        return Array(first.dropLast()) + Array(second.dropLast())
    }

    /// Simplifies an open polyline, keeping its two ends.
    package static func simplifyOpen(_ line: [ContourPoint], tolerance: Double) -> [ContourPoint] {
        guard line.count > 2 else { return line }
        var keep = [Bool](repeating: false, count: line.count)
        keep[0] = true; keep[line.count - 1] = true
        var stack = [(0, line.count - 1)]
        while let (i, j) = stack.popLast() {
            guard j > i + 1 else { continue }
            var best = i, bestDistance = -1.0
            for k in (i + 1)..<j {
                let d = distance(line[k], line[i], line[j])
                if d > bestDistance { bestDistance = d; best = k }
            }
            if bestDistance > tolerance {
                keep[best] = true
                stack.append((i, best)); stack.append((best, j))
            }
        }
        return line.indices.filter { keep[$0] }.map { line[$0] }
    }

    /// Distance from p to the segment a-b.
    private static func distance(_ p: ContourPoint, _ a: ContourPoint, _ b: ContourPoint) -> Double {
        let (dx, dy) = (b.x - a.x, b.y - a.y)
        let length2 = dx * dx + dy * dy
        guard length2 > 0 else { return ((p.x - a.x) * (p.x - a.x) + (p.y - a.y) * (p.y - a.y)).squareRoot() }
        let t = max(0, min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / length2))
        let (qx, qy) = (a.x + t * dx - p.x, a.y + t * dy - p.y)
        return (qx * qx + qy * qy).squareRoot()
    }
}
