/// Connected components (8-neighbourhood) of a binary mask, with per-component statistics.
///
/// `labels[i]` is 0 for background and 1...count for foreground; components are numbered in
/// raster order of their first pixel. `Component` holds area, bounding box (pixel edges,
/// `x1`/`y1` exclusive) and centroid.
package struct ConnectedComponents: Sendable {
    package struct Component: Sendable, Equatable {
        package let label: Int
        package var area: Int
        package var x0: Int, y0: Int, x1: Int, y1: Int
        package var sumX: Double, sumY: Double
        package var centroidX: Double { sumX / Double(area) + 0.5 }
        package var centroidY: Double { sumY / Double(area) + 0.5 }
        /// Diameter of the disc of the same area.
        package var equivalentDiameter: Double { (4 * Double(area) / Double.pi).squareRoot() }
        package var touchesBorder: Bool = false
    }

    package let width: Int
    package let height: Int
    package let labels: [Int32]
    package let components: [Component]

    package init(_ mask: BinaryMask) {
        width = mask.width; height = mask.height
        var labels = [Int32](repeating: 0, count: mask.bits.count)
        var comps: [Component] = []
        var stack: [Int] = []
        let w = width, h = height
        for start in 0..<mask.bits.count where mask.bits[start] && labels[start] == 0 {
            let label = Int32(comps.count + 1)
            var c = Component(label: Int(label), area: 0, x0: w, y0: h, x1: 0, y1: 0, sumX: 0, sumY: 0)
            labels[start] = label
            stack.append(start)
            while let i = stack.popLast() {
                let x = i % w, y = i / w
                c.area += 1; c.sumX += Double(x); c.sumY += Double(y)
                c.x0 = min(c.x0, x); c.y0 = min(c.y0, y); c.x1 = max(c.x1, x + 1); c.y1 = max(c.y1, y + 1)
                if x == 0 || y == 0 || x == w - 1 || y == h - 1 { c.touchesBorder = true }
                for dy in -1...1 {
                    let ny = y + dy
                    guard ny >= 0, ny < h else { continue }
                    for dx in -1...1 {
                        let nx = x + dx
                        guard nx >= 0, nx < w else { continue }
                        let j = ny * w + nx
                        if mask.bits[j] && labels[j] == 0 { labels[j] = label; stack.append(j) }
                    }
                }
            }
            comps.append(c)
        }
        self.labels = labels
        self.components = comps
    }

    /// The mask of the components whose labels are in `keep`.
    package func mask(keeping keep: Set<Int>) -> BinaryMask {
        var table = [Bool](repeating: false, count: components.count + 1)
        for k in keep where k > 0 && k <= components.count { table[k] = true }
        return BinaryMask(width: width, height: height, bits: labels.map { table[Int($0)] })
    }
}
