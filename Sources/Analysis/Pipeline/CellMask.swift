import CellModel

/// One cell's labels in image pixels, stored on a box around it.
///
/// `labels` is `width * height`, row-major, for image pixels x0..<x0+width, y0..<y0+height:
/// 0 background, 1 cytoplasm, 2 nucleus. Coordinates are the source image's (for a slide: the
/// whole slide's). Small: a cell's box, never the image.
package struct CellMask: Sendable, Equatable {
    package let x0: Int
    package let y0: Int
    package let width: Int
    package let height: Int
    package var labels: [UInt8]

    package init(x0: Int, y0: Int, width: Int, height: Int, labels: [UInt8]) {
        precondition(width >= 0 && height >= 0 && labels.count == width * height, "cell mask size mismatch")
        self.x0 = x0; self.y0 = y0; self.width = width; self.height = height; self.labels = labels
    }

    /// Pixels labelled cell (cytoplasm or nucleus).
    package var cellArea: Int { labels.reduce(0) { $0 + ($1 > 0 ? 1 : 0) } }
    /// Pixels labelled nucleus.
    package var nucleusArea: Int { labels.reduce(0) { $0 + ($1 == 2 ? 1 : 0) } }

    /// The label of image pixel (x, y); 0 outside the box.
    package func label(x: Int, y: Int) -> UInt8 {
        let (u, v) = (x - x0, y - y0)
        guard u >= 0, v >= 0, u < width, v < height else { return 0 }
        return labels[v * width + u]
    }

    /// The tight box of the cell pixels, in image pixels (pixel edges); nil when empty.
    package var box: BoundingBox? {
        var (bx0, by0, bx1, by1) = (Int.max, Int.max, Int.min, Int.min)
        for v in 0..<height {
            for u in 0..<width where labels[v * width + u] > 0 {
                bx0 = min(bx0, u); by0 = min(by0, v); bx1 = max(bx1, u + 1); by1 = max(by1, v + 1)
            }
        }
        guard bx1 > bx0 else { return nil }
        return BoundingBox(x0: Double(x0 + bx0), y0: Double(y0 + by0), x1: Double(x0 + bx1), y1: Double(y0 + by1))
    }

    /// Centroid of the cell pixels (pixel centres), image coordinates; nil when empty.
    package var centroid: (x: Double, y: Double)? {
        var (sx, sy, n) = (0.0, 0.0, 0)
        for v in 0..<height {
            for u in 0..<width where labels[v * width + u] > 0 { sx += Double(u); sy += Double(v); n += 1 }
        }
        guard n > 0 else { return nil }
        return (Double(x0) + sx / Double(n) + 0.5, Double(y0) + sy / Double(n) + 0.5)
    }

    /// Pixels that are cell in both masks.
    package func overlap(_ other: CellMask) -> Int {
        let ax0 = max(x0, other.x0), ay0 = max(y0, other.y0)
        let ax1 = min(x0 + width, other.x0 + other.width), ay1 = min(y0 + height, other.y0 + other.height)
        guard ax1 > ax0, ay1 > ay0 else { return 0 }
        var n = 0
        for y in ay0..<ay1 {
            for x in ax0..<ax1 where labels[(y - y0) * width + x - x0] > 0
                && other.labels[(y - other.y0) * other.width + x - other.x0] > 0 { n += 1 }
        }
        return n
    }

    /// Intersection over union of the cell pixels; 0 when both are empty.
    package func iou(_ other: CellMask) -> Double {
        let shared = overlap(other)
        let union = cellArea + other.cellArea - shared
        return union > 0 ? Double(shared) / Double(union) : 0
    }

    /// Whether a cell pixel lies on the edge of a `imageWidth x imageHeight` image.
    package func touchesEdge(imageWidth: Int, imageHeight: Int) -> Bool {
        for v in 0..<height {
            for u in 0..<width where labels[v * width + u] > 0 {
                let (x, y) = (x0 + u, y0 + v)
                if x == 0 || y == 0 || x == imageWidth - 1 || y == imageHeight - 1 { return true }
            }
        }
        return false
    }

    /// The crop's labels mapped back to the image: every image pixel inside the crop square
    /// (and inside `imageWidth x imageHeight`) takes the label of the crop pixel its centre
    /// falls in (the inverse of `CropGeometry`).
    package static func fromCrop(_ segmentation: [UInt8], geometry g: CropGeometry,
                                 imageWidth: Int, imageHeight: Int) -> CellMask {
        precondition(segmentation.count == g.size * g.size, "segmentation is not \(g.size)x\(g.size)")
        let (left, top) = g.toImage(u: 0, v: 0)
        let (right, bottom) = g.toImage(u: Double(g.size), v: Double(g.size))
        let bx0 = max(0, Int(left.rounded(.down))), by0 = max(0, Int(top.rounded(.down)))
        let bx1 = min(imageWidth, Int(right.rounded(.up))), by1 = min(imageHeight, Int(bottom.rounded(.up)))
        guard bx1 > bx0, by1 > by0 else { return CellMask(x0: bx0, y0: by0, width: 0, height: 0, labels: []) }
        let w = bx1 - bx0, h = by1 - by0
        var labels = [UInt8](repeating: 0, count: w * h)
        // The crop index of each image column and row, computed once.
        let us = (0..<w).map { Int(g.toCrop(x: Double(bx0 + $0) + 0.5, y: 0).u.rounded(.down)) }
        let vs = (0..<h).map { Int(g.toCrop(x: 0, y: Double(by0 + $0) + 0.5).v.rounded(.down)) }
        for (row, v) in vs.enumerated() where v >= 0 && v < g.size {
            for (col, u) in us.enumerated() where u >= 0 && u < g.size {
                labels[row * w + col] = segmentation[v * g.size + u]
            }
        }
        return CellMask(x0: bx0, y0: by0, width: w, height: h, labels: labels)
    }

    /// The labels seen through a crop: each crop pixel takes the label of the image pixel its
    /// centre falls in (`size * size`, row-major; 0 outside the mask). The inverse of `fromCrop`.
    package func toCrop(_ g: CropGeometry) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: g.size * g.size)
        for v in 0..<g.size {
            for u in 0..<g.size {
                let p = g.toImage(u: Double(u) + 0.5, v: Double(v) + 0.5)
                out[v * g.size + u] = label(x: Int(p.x.rounded(.down)), y: Int(p.y.rounded(.down)))
            }
        }
        return out
    }

    /// Only the 8-connected cell component nearest image point (x, y) (distance from the
    /// point to the component's nearest pixel centre; ties: the larger), trimmed to its box.
    /// Other cells the crop happened to show are dropped. Empty when there is no cell pixel.
    package func component(nearestX x: Double, y: Double) -> CellMask {
        let mask = BinaryMask(width: width, height: height, bits: labels.map { $0 > 0 })
        let comps = ConnectedComponents(mask)
        guard !comps.components.isEmpty else { return CellMask(x0: x0, y0: y0, width: 0, height: 0, labels: []) }
        var best = [Double](repeating: .infinity, count: comps.components.count + 1)
        for v in 0..<height {
            for u in 0..<width {
                let k = Int(comps.labels[v * width + u])
                guard k > 0 else { continue }
                let dx = Double(x0 + u) + 0.5 - x, dy = Double(y0 + v) + 0.5 - y
                best[k] = min(best[k], dx * dx + dy * dy)
            }
        }
        let chosen = comps.components.min { a, b in
            best[a.label] != best[b.label] ? best[a.label] < best[b.label] : a.area > b.area
        }!
        let w = chosen.x1 - chosen.x0, h = chosen.y1 - chosen.y0
        var out = [UInt8](repeating: 0, count: w * h)
        for v in chosen.y0..<chosen.y1 {
            for u in chosen.x0..<chosen.x1 where comps.labels[v * width + u] == Int32(chosen.label) {
                out[(v - chosen.y0) * w + u - chosen.x0] = labels[v * width + u]
            }
        }
        return CellMask(x0: x0 + chosen.x0, y0: y0 + chosen.y0, width: w, height: h, labels: out)
    }
}
