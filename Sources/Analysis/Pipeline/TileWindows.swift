/// The windows of a tile worth localising: rectangles around its hot blocks (pixels above
/// the slide's detection threshold, `HotBlocks`), each big enough to hold whole nuclei, the
/// lobes that group with them, their cell regions and their crops.
///
/// Hot blocks are joined into 8-connected groups; a group's window is the bounds of its hot
/// pixels grown by 3 px (the smoothing's reach) and by `marginFactor` x the group's larger
/// side (a crop reaches at most ~1.5 nucleus sides beyond the nucleus; lobes group across at
/// most 0.6 of their summed sides), clipped to the tile. Overlapping windows are merged
/// until none overlap, so every hot pixel inside a window has its whole group (and margin)
/// inside that window: detection in a window sees what it would see in the whole tile.
/// Windows that do not meet `keep` (the tile's core grown by the seam slack) are dropped:
/// a cell's centre lies inside its nucleus's window, and cells centred outside the core
/// belong to another tile. Tile pixels throughout.
enum TileWindows {
    static let marginFactor = 1.5

    static func windows(_ hot: HotBlocks, keep: TilePlan.Rect) -> [TilePlan.Rect] {
        let (cols, rows) = (hot.columns, hot.rows)
        var group = [Int32](repeating: -1, count: cols * rows)
        var rects: [(x0: Int, y0: Int, x1: Int, y1: Int)] = []   // inclusive, then exclusive after growth
        var stack: [Int] = []
        for start in 0..<(cols * rows) where hot.isHot(start) && group[start] < 0 {
            let id = Int32(rects.count)
            var b = hot.bounds[start]
            group[start] = id
            stack.append(start)
            while let k = stack.popLast() {
                let (bx, by) = (k % cols, k / cols)
                for ny in max(0, by - 1)...min(rows - 1, by + 1) {
                    for nx in max(0, bx - 1)...min(cols - 1, bx + 1) {
                        let n = ny * cols + nx
                        guard group[n] < 0, hot.isHot(n) else { continue }
                        group[n] = id
                        let o = hot.bounds[n]
                        b = SIMD4(min(b.x, o.x), min(b.y, o.y), max(b.z, o.z), max(b.w, o.w))
                        stack.append(n)
                    }
                }
            }
            let side = Int(max(b.z - b.x, b.w - b.y)) + 1 + 6
            let grow = 3 + Int((marginFactor * Double(side)).rounded(.up))
            rects.append((max(0, Int(b.x) - grow), max(0, Int(b.y) - grow),
                          min(hot.width, Int(b.z) + 1 + grow), min(hot.height, Int(b.w) + 1 + grow)))
        }
        // Merge overlapping windows until none overlap.
        var merged = true
        while merged {
            merged = false
            var i = 0
            while i < rects.count {
                var j = i + 1
                while j < rects.count {
                    let (a, c) = (rects[i], rects[j])
                    if a.x0 < c.x1 && c.x0 < a.x1 && a.y0 < c.y1 && c.y0 < a.y1 {
                        rects[i] = (min(a.x0, c.x0), min(a.y0, c.y0), max(a.x1, c.x1), max(a.y1, c.y1))
                        rects.remove(at: j)
                        merged = true
                    } else {
                        j += 1
                    }
                }
                i += 1
            }
        }
        return rects.compactMap { r in
            let meets = r.x0 < keep.x + keep.width && keep.x < r.x1 && r.y0 < keep.y + keep.height && keep.y < r.y1
            return meets ? TilePlan.Rect(x: r.x0, y: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0) : nil
        }
    }
}
