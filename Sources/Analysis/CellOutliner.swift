import CellModel
import Foundation

/// Traces the outline of a white blood cell that stands alone on glass, and joins the nucleus
/// pieces that lie inside one such outline into one candidate.
///
/// The margin rule of `CandidateDetector` (nucleus grown by a fraction of its size) has to
/// guess the cytoplasm; where a cell is surrounded by glass, as in single-cell images and
/// sparse smears, the cell can be seen whole. For each candidate, largest first, inside a
/// window of half-side `outlineReach` x its diameter around its centre:
///
///     stained(x) = OD_R(x) + OD_G(x) + OD_B(x) > outlineDensityThreshold,
///     OD_c = -log10(max(I_c, 1/255))          (stain-normalised image, glass = 1)
///
/// opened by 1 px, holes filled, and the connected component holding most of the nucleus is
/// taken. It is the cell's outline when
/// - it reaches neither the window's edge nor the image's (a cut cell, or one cut by a slide
///   tile's window, cannot be judged whole),
/// - its solidity (area / convex-hull area) is at least `outlineMinSolidity`, and
/// - its elongation (square root of the ratio of its covariance's eigenvalues) is at most
///   `outlineMaxElongation`;
/// otherwise it runs into red cells or another cell, and the candidate keeps the margin rule.
/// Smaller candidates whose nucleus lies mostly inside an outline are lobes of that cell (a
/// neutrophil's lobes can lie farther apart than `LobeGrouper` allows) and are merged into it,
/// unless the outline has a neck between the two (the distance to its edge along the segment
/// joining the nucleus centroids dips below `outlineNeckFraction` x its smaller end value:
/// two touching cells; one round cell has no waist). The outline becomes the cell region
/// (`FieldLocalizer.cellLabels`); the crop's centre and scale still come from the nucleus, as
/// the network was trained.
package struct CellOutliner: Sendable {
    package var parameters: CandidateParameters

    package init(parameters: CandidateParameters) { self.parameters = parameters }

    package func refine(_ found: CandidateDetector.Result, normalized image: RGBRaster,
                        detector: CandidateDetector) -> CandidateDetector.Result {
        let p = parameters, w = image.width, h = image.height
        guard p.outlineReach > 0, !found.candidates.isEmpty else { return found }
        var nuclei = [[Int]](repeating: [], count: found.candidates.count)
        for (i, label) in found.nucleusLabels.enumerated() where label > 0 { nuclei[Int(label) - 1].append(i) }

        var owner = [Int](repeating: -1, count: found.candidates.count)  // group index per candidate
        var groups: [(members: [Int], outline: [Int]?)] = []
        for k in found.candidates.indices where owner[k] < 0 {
            owner[k] = groups.count
            guard let outline = outline(of: found.candidates[k], nucleus: nuclei[k], image: image) else {
                groups.append(([k], nil)); continue
            }
            let inside = Set(outline), bounds = Self.box(of: outline, width: w)
            let holds = { (j: Int) in
                found.candidates[j].nucleusBox.intersects(bounds)
                    && 2 * nuclei[j].filter { inside.contains($0) }.count > nuclei[j].count
            }
            // A larger candidate already placed inside this outline: two cells, or a
            // judgement made from a wider window; keep the margin rule.
            if (0..<k).contains(where: holds) { groups.append(([k], nil)); continue }
            let depth = OutlineDepth(outline, width: w)
            let centre = { (j: Int) in Self.centroid(nuclei[j], width: w) }
            var members = [k]
            for j in found.candidates.indices where j > k && owner[j] < 0 && holds(j)
            && depth.hasNoNeck(from: centre(k), to: centre(j), fraction: p.outlineNeckFraction) {
                owner[j] = groups.count; members.append(j)
            }
            groups.append((members, outline))
        }
        guard groups.contains(where: { $0.outline != nil }) else { return found }

        var built: [(candidate: CellCandidate, nucleus: [Int], outline: [Int]?)] = groups.map { group in
            let nucleus = group.members.count == 1 ? nuclei[group.members[0]] : group.members.flatMap { nuclei[$0] }
            var candidate = group.members.count == 1 ? found.candidates[group.members[0]]
                : detector.candidate(nucleus: nucleus, areaReference: found.areaReference, width: w, height: h)
            if let outline = group.outline { candidate.regionBox = candidate.regionBox.union(Self.box(of: outline, width: w)) }
            return (candidate, nucleus, group.outline)
        }
        built.sort { $0.candidate.nucleusArea > $1.candidate.nucleusArea }
        var labels = [Int32](repeating: 0, count: w * h)
        var outlines: [Int: [Int]] = [:]
        for (k, entry) in built.enumerated() {
            for i in entry.nucleus { labels[i] = Int32(k + 1) }
            outlines[k] = entry.outline
        }
        return CandidateDetector.Result(threshold: found.threshold, candidates: built.map(\.candidate),
                                        nucleusLabels: labels, areaReference: found.areaReference, outlines: outlines)
    }

    /// The outline (image pixel indices) of `candidate` when it stands alone on glass, else nil.
    func outline(of candidate: CellCandidate, nucleus: [Int], image: RGBRaster) -> [Int]? {
        let p = parameters, w = image.width, h = image.height
        let reach = p.outlineReach * candidate.diameter
        let x0 = max(0, Int((candidate.centerX - reach).rounded(.down))), y0 = max(0, Int((candidate.centerY - reach).rounded(.down)))
        let x1 = min(w, Int((candidate.centerX + reach).rounded(.up))), y1 = min(h, Int((candidate.centerY + reach).rounded(.up)))
        let ww = x1 - x0, wh = y1 - y0
        guard ww > 2, wh > 2, !nucleus.isEmpty else { return nil }
        // The opened stained mask, grown from the nucleus only (the cost follows the cell, and
        // a region running into red cells stops as soon as it nears the window's edge): flood
        // the eroded mask (a pixel and its 4 neighbours stained) from the nucleus, then dilate
        // the flooded set by the same cross within the stained pixels.
        var known = [UInt8](repeating: 0, count: ww * wh)   // 0 not yet computed, 1 stained, 2 glass
        // OD_R + OD_G + OD_B > limit  <=>  R * G * B < 10^-limit (no logarithm per pixel).
        let transmitted = pow(10, -p.outlineDensityThreshold)
        func stained(_ x: Int, _ y: Int) -> Bool {
            guard x >= 0, y >= 0, x < ww, y < wh else { return false }
            let k = y * ww + x
            if known[k] == 0 {
                let i = (y + y0) * w + x + x0
                known[k] = Self.floored(image.r[i]) * Self.floored(image.g[i]) * Self.floored(image.b[i]) < transmitted ? 1 : 2
            }
            return known[k] == 1
        }
        func core(_ x: Int, _ y: Int) -> Bool {
            stained(x, y) && stained(x - 1, y) && stained(x + 1, y) && stained(x, y - 1) && stained(x, y + 1)
        }
        var flooded = [Bool](repeating: false, count: ww * wh)
        var stack: [Int] = []
        for i in nucleus {
            let x = i % w - x0, y = i / w - y0
            if core(x, y), !flooded[y * ww + x] { flooded[y * ww + x] = true; stack.append(y * ww + x) }
        }
        guard !stack.isEmpty else { return nil }
        var interior = [Int]()
        // A cell alone fits in a disc of diameter 1.5 x `reach` (so it fits the window even
        // off-centre): a larger region has run into others.
        let largest = Int(Double.pi / 4 * 2.25 * reach * reach)
        while let k = stack.popLast() {
            guard interior.count < largest else { return nil }
            let x = k % ww, y = k / ww
            // Its dilation would touch the window's edge: the region is not a cell alone.
            guard x > 1, y > 1, x < ww - 2, y < wh - 2 else { return nil }
            interior.append(k)
            for dy in -1...1 {
                for dx in -1...1 where !flooded[(y + dy) * ww + x + dx] && core(x + dx, y + dy) {
                    flooded[(y + dy) * ww + x + dx] = true; stack.append((y + dy) * ww + x + dx)
                }
            }
        }
        var bx0 = ww, by0 = wh, bx1 = 0, by1 = 0
        for k in interior { bx0 = min(bx0, k % ww - 1); by0 = min(by0, k / ww - 1); bx1 = max(bx1, k % ww + 2); by1 = max(by1, k / ww + 2) }
        var region = BinaryMask(width: bx1 - bx0, height: by1 - by0)
        for k in interior {
            let x = k % ww, y = k / ww
            for (dx, dy) in [(0, 0), (-1, 0), (1, 0), (0, -1), (0, 1)] where stained(x + dx, y + dy) {
                region[x + dx - bx0, y + dy - by0] = true
            }
        }
        region = region.holesFilled()
        var pixels: [Int] = []
        for y in 0..<region.height {
            for x in 0..<region.width where region[x, y] { pixels.append((y + by0 + y0) * w + x + bx0 + x0) }
        }
        let area = pixels.count
        guard Double(area) >= p.outlineMinSolidity * ConvexHull.area(ofPixels: pixels, width: w),
              Self.elongation(pixels, width: w) <= p.outlineMaxElongation else { return nil }
        return pixels
    }

    /// A channel value in [0, 1] floored at 1/255 (its optical density is then at most 2.4).
    static func floored(_ v: Float) -> Float { max(v, 1 / 255) }

    /// sqrt(λ1 / λ2) of the pixels' coordinate covariance (1 for a disc, about 2.2 for two
    /// touching discs).
    static func elongation(_ pixels: [Int], width w: Int) -> Double {
        let (mx, my) = centroid(pixels, width: w)
        var sxx = 0.0, syy = 0.0, sxy = 0.0
        for i in pixels {
            let dx = Double(i % w) - mx, dy = Double(i / w) - my
            sxx += dx * dx; syy += dy * dy; sxy += dx * dy
        }
        let mean = (sxx + syy) / 2, spread = (((sxx - syy) / 2) * ((sxx - syy) / 2) + sxy * sxy).squareRoot()
        guard mean - spread > 0 else { return .infinity }
        return ((mean + spread) / (mean - spread)).squareRoot()
    }

    static func centroid(_ pixels: [Int], width w: Int) -> (x: Double, y: Double) {
        var sx = 0.0, sy = 0.0
        for i in pixels { sx += Double(i % w); sy += Double(i / w) }
        let n = Double(max(1, pixels.count))
        return (sx / n, sy / n)
    }

    static func box(of pixels: [Int], width w: Int) -> BoundingBox {
        var x0 = Int.max, y0 = Int.max, x1 = Int.min, y1 = Int.min
        for i in pixels {
            let x = i % w, y = i / w
            x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x + 1); y1 = max(y1, y + 1)
        }
        return BoundingBox(x0: Double(x0), y0: Double(y0), x1: Double(x1), y1: Double(y1))
    }
}

/// The distance from each pixel of a traced outline to its edge (outside the image counts as
/// edge), in the outline's bounding box, for the neck test of `CellOutliner`.
struct OutlineDepth {
    let x0: Int, y0: Int
    let depth: FloatPlane

    init(_ outline: [Int], width w: Int) {
        let box = CellOutliner.box(of: outline, width: w)
        x0 = Int(box.x0); y0 = Int(box.y0)
        var mask = BinaryMask(width: Int(box.width), height: Int(box.height))
        for i in outline { mask[i % w - x0, i / w - y0] = true }
        depth = DistanceTransform.inside(mask)
    }

    func at(_ x: Double, _ y: Double) -> Float {
        let px = Int(x.rounded()) - x0, py = Int(y.rounded()) - y0
        guard px >= 0, py >= 0, px < depth.width, py < depth.height else { return 0 }
        return depth[px, py]
    }

    /// True when the depth along the segment a-b stays at or above `fraction` x the smaller of
    /// its two end values (sampled every pixel).
    func hasNoNeck(from a: (x: Double, y: Double), to b: (x: Double, y: Double), fraction: Double) -> Bool {
        let ends = min(at(a.x, a.y), at(b.x, b.y))
        let steps = max(1, Int(hypot(b.x - a.x, b.y - a.y).rounded(.up)))
        for s in 0...steps {
            let t = Double(s) / Double(steps)
            if Double(at(a.x + t * (b.x - a.x), a.y + t * (b.y - a.y))) < fraction * Double(ends) { return false }
        }
        return true
    }
}
