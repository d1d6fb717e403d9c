import Foundation

/// Tells two touching cells from two lobes of one cell by the glass between them.
///
/// `LobeGrouper` joins nucleus pieces by their gap alone, relative to their size; where cells
/// are large and crowded (a high-magnification field), the nuclei of two neighbouring cells
/// can be that close. Their cells still meet at a waist: the stained region (cell and red
/// cells, as `CellOutliner` sees it)
///
///     stained(x) = OD_R(x) + OD_G(x) + OD_B(x) > outlineDensityThreshold
///
/// narrows between them. Let depth(x) be the distance from x to the nearest glass pixel.
/// Inside one round (convex) cell, depth is a concave function along any segment, so on the
/// segment joining two lobes' centroids it never falls below its smaller end value. Two
/// pieces are `separated` when depth along that segment dips below `waistFraction` x the
/// smaller end value (`CandidateParameters.lobeWaistFraction`). Where red cells fill the
/// space around the contact there is no glass to see, and the gap rule stands.
///
/// Depth is measured in a window around the two pieces (grown by the larger piece's
/// equivalent diameter); the window's edge is not glass. The stained mask is opened by 1 px
/// and its holes are filled, as for outlines, so a pale speck inside a cell is not glass.
struct GlassWaist {
    let image: RGBRaster
    let densityThreshold: Float
    let waistFraction: Double

    /// Whether the pixel pieces `a` and `b` (indices in the image) belong to two cells
    /// that meet at a waist of glass.
    func separated(_ a: [Int], _ b: [Int]) -> Bool {
        let w = image.width, h = image.height
        guard !a.isEmpty, !b.isEmpty else { return false }
        let ca = CellOutliner.centroid(a, width: w), cb = CellOutliner.centroid(b, width: w)
        let margin = max(Self.diameter(a), Self.diameter(b))
        let box = CellOutliner.box(of: a, width: w).union(CellOutliner.box(of: b, width: w))
        let wx0 = max(0, Int(box.x0 - margin)), wy0 = max(0, Int(box.y0 - margin))
        let wx1 = min(w, Int((box.x1 + margin).rounded(.up))), wy1 = min(h, Int((box.y1 + margin).rounded(.up)))
        var stained = BinaryMask(width: wx1 - wx0, height: wy1 - wy0)
        let transmitted = pow(10, -densityThreshold)
        for y in wy0..<wy1 {
            for x in wx0..<wx1 {
                let i = y * w + x
                stained[x - wx0, y - wy0] = CellOutliner.floored(image.r[i]) * CellOutliner.floored(image.g[i])
                    * CellOutliner.floored(image.b[i]) < transmitted
            }
        }
        let glass = stained.opened(by: 1).holesFilled().inverted()
        guard glass.bits.contains(true) else { return false }
        let depth = DistanceTransform.squared(to: glass)
        func at(_ p: (x: Double, y: Double)) -> Double {
            let x = min(max(Int(p.x.rounded()) - wx0, 0), depth.width - 1)
            let y = min(max(Int(p.y.rounded()) - wy0, 0), depth.height - 1)
            return Double(depth[x, y]).squareRoot()
        }
        let ends = min(at(ca), at(cb))
        let steps = max(1, Int(hypot(cb.x - ca.x, cb.y - ca.y).rounded(.up)))
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            if at((ca.x + t * (cb.x - ca.x), ca.y + t * (cb.y - ca.y))) < waistFraction * ends { return true }
        }
        return false
    }

    static func diameter(_ piece: [Int]) -> Double { (4 * Double(piece.count) / Double.pi).squareRoot() }
}
