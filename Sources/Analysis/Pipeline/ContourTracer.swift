/// The outer boundary of a region in a small binary grid, by Moore-neighbour tracing.
///
/// Input: `width x height` cells, `inside(u, v)` true for region pixels. The trace starts
/// at the first region pixel in raster order and walks clockwise (on screen, y down) around
/// the 8-connected component that contains it, until it would repeat its first move. Output:
/// the boundary pixels in order, as grid indices (u, v); a single pixel gives one point.
/// Holes are ignored (an outer contour only); the caller picks which component to pass.
package enum ContourTracer {
    /// Neighbour offsets clockwise from west: W, NW, N, NE, E, SE, S, SW.
    private static let steps: [(Int, Int)] = [(-1, 0), (-1, -1), (0, -1), (1, -1), (1, 0), (1, 1), (0, 1), (-1, 1)]

    package static func trace(width: Int, height: Int, inside: (Int, Int) -> Bool) -> [(u: Int, v: Int)] {
        func at(_ u: Int, _ v: Int) -> Bool { u >= 0 && v >= 0 && u < width && v < height && inside(u, v) }
        var start: (Int, Int)? = nil
        search: for v in 0..<height {
            for u in 0..<width where inside(u, v) { start = (u, v); break search }
        }
        guard let s = start else { return [] }
        var boundary: [(u: Int, v: Int)] = [s]
        var current = s
        var back = 0   // direction from `current` to the background pixel we came from (west of the start)
        var firstMove: Int? = nil
        let limit = 4 * width * height + 8
        for _ in 0..<limit {
            var moved: Int? = nil
            for i in 1...8 {
                let d = (back + i) % 8
                if at(current.0 + steps[d].0, current.1 + steps[d].1) { moved = d; break }
            }
            guard let d = moved else { return boundary }   // an isolated pixel
            if current == s, let f = firstMove, f == d { break }
            if firstMove == nil { firstMove = d }
            let previous = (current.0 + steps[(d + 7) % 8].0, current.1 + steps[(d + 7) % 8].1)
            let next = (current.0 + steps[d].0, current.1 + steps[d].1)
            let offset = (previous.0 - next.0, previous.1 - next.1)
            back = steps.firstIndex { $0 == offset }!
            current = next
            if current == s, boundary.count > 1 {
                // Back at the start: continue only if the next move differs (a pinch point).
                continue
            }
            boundary.append((u: current.0, v: current.1))
        }
        return boundary
    }
}
