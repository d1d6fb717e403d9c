import CellModel
import ImageIO

/// Finds candidate WBCs in a nucleus-stain concentration map.
///
/// Steps: threshold (Otsu over stained pixels, raised to a floor), opening by 1 px, hole
/// filling, connected components with a minimum area (µm² when the pixel spacing is known,
/// else relative to the image), optional splitting (`splitTouchingNuclei`) of a component whose distance
/// transform shows two well-separated centres of comparable radius (two touching nuclei), grouping of nearby
/// pieces into one nucleus (lobes; gap relative to the pieces' own size), and a size
/// filter relative to the largest nucleus in the image. Each surviving nucleus gets a cell
/// estimate: its box grown by a cytoplasm margin proportional to its size (a generous one for
/// the cell region and the crop scale, a tighter one for the reported cell box). The nucleus
/// pixels of each candidate are kept in `nucleusLabels` (0 = none, i + 1 = candidate i).
package struct CandidateDetector: Sendable {
    package var parameters: CandidateParameters

    package init(parameters: CandidateParameters = CandidateParameters()) { self.parameters = parameters }

    package struct Result: Sendable {
        package let threshold: Float
        package let candidates: [CellCandidate]
        /// Per pixel: 0, or i + 1 for a nucleus pixel of candidate i.
        package let nucleusLabels: [Int32]
        /// The nucleus area the scores are relative to.
        package let areaReference: Int
        /// Traced cell outlines (pixel indices) of the candidates that have one
        /// (`CellOutliner`), by candidate index.
        package var outlines: [Int: [Int]] = [:]
    }

    /// The threshold on the smoothed concentration: max(Otsu over pixels above 2 % of the
    /// 99.9th percentile, floor fraction x that percentile, absolute floor).
    package func threshold(_ concentration: FloatPlane) -> Float {
        let p999 = concentration.percentile(99.9)
        let stained = concentration.values.filter { $0 > 0.02 * p999 }
        let otsu = stained.count > 16 ? Statistics.otsu(stained) : p999
        return max(otsu, parameters.thresholdFloorFraction * p999, parameters.absoluteThresholdFloor)
    }

    package func detect(_ concentration: FloatPlane, pixelSpacing: PixelSpacing? = nil,
                        normalized image: RGBRaster? = nil) -> Result {
        detect(concentration, threshold: threshold(concentration),
               minArea: minimumArea(width: concentration.width, height: concentration.height, pixelSpacing: pixelSpacing),
               areaReference: nil, normalized: image)
    }

    /// The smallest nucleus component kept (pixels) in a `width x height` image: from
    /// `minComponentAreaMicrons2` when the pixel spacing is known, else relative to the image
    /// (capped at one field).
    package func minimumArea(width w: Int, height h: Int, pixelSpacing: PixelSpacing?) -> Double {
        if let s = pixelSpacing, s.x > 0, s.y > 0 { return parameters.minComponentAreaMicrons2 / (s.x * s.y) }
        return max(4, parameters.minComponentFraction * Double(min(w * h, parameters.fieldPixels)))
    }

    /// Detection with the image-level statistics given instead of measured on this plane
    /// (a slide window uses the slide's): threshold `t`, the smallest component `minArea`,
    /// and `areaReference`, the nucleus area the relative size floor is taken of (nil: the
    /// largest nucleus in this plane, as `detect(_:pixelSpacing:)` does). With the
    /// stain-normalised `image`, pieces of two cells meeting at a waist of glass are not
    /// joined as lobes (`GlassWaist`).
    package func detect(_ concentration: FloatPlane, threshold t: Float, minArea: Double, areaReference: Int?,
                        normalized image: RGBRaster? = nil) -> Result {
        let w = concentration.width, h = concentration.height, p = parameters
        let mask = BinaryMask(concentration, above: t).opened(by: 1).holesFilled()
        let comps = ConnectedComponents(mask)
        let kept = comps.components.filter { Double($0.area) >= minArea }
        let empty = Result(threshold: t, candidates: [], nucleusLabels: [Int32](repeating: 0, count: w * h), areaReference: 1)
        guard !kept.isEmpty else { return empty }
        let nuclei = comps.mask(keeping: Set(kept.map(\.label)))

        // Touching cells: a component whose distance transform has two centres is split.
        var pieces: [[Int]] = [], family: [Int] = []
        var byLabel = [[Int]](repeating: [], count: comps.components.count + 1)
        for i in 0..<(w * h) where nuclei.bits[i] { byLabel[Int(comps.labels[i])].append(i) }
        for c in kept {
            let whole = byLabel[c.label]
            let split = p.splitTouchingNuclei ? TouchingCellSplitter(parameters: p).split(whole, imageWidth: w, bridge: 1) : [whole]
            for part in split {
                pieces.append(part); family.append(c.label)
            }
        }
        // Lobes: pieces closer than their own scale form one nucleus (never two split parts).
        let bridges = p.lobeBridgeFraction > 0
            ? ConnectedComponents(BinaryMask(concentration, above: p.lobeBridgeFraction * t)) : nil
        var grouper = LobeGrouper(gapFraction: p.lobeGapFraction, smallerPieceFactor: p.lobeGapSmallerPieceFactor)
        if let image, p.lobeWaistFraction > 0 {
            let waist = GlassWaist(image: image, densityThreshold: p.lobeWaistDensityThreshold, waistFraction: p.lobeWaistFraction)
            grouper.separated = waist.separated
        }
        let groupOf = grouper.groups(pieces, family: family, width: w, height: h,
                                     bridges: bridges, maxBridgeAreaRatio: p.maxBridgeAreaRatio)
        var parts = [[Int]](repeating: [], count: (groupOf.max() ?? -1) + 1)
        for (k, piece) in pieces.enumerated() { parts[groupOf[k]] += piece }
        let maxArea = areaReference ?? (parts.map(\.count).max() ?? 1)
        var candidates: [CellCandidate] = []
        var labels = [Int32](repeating: 0, count: w * h)
        for part in parts.sorted(by: { $0.count > $1.count })
        where Double(part.count) >= p.relativeAreaFloor * Double(maxArea) {
            let index = Int32(candidates.count + 1)
            for i in part { labels[i] = index }
            candidates.append(candidate(nucleus: part, areaReference: maxArea, width: w, height: h))
        }
        return Result(threshold: t, candidates: candidates, nucleusLabels: labels, areaReference: maxArea)
    }

    /// The candidate of one nucleus (pixel indices in a `width`-wide image, all lobes): its
    /// box, the cell region and box grown by the cytoplasm margins, and its score against
    /// the reference nucleus area.
    package func candidate(nucleus part: [Int], areaReference: Int, width w: Int, height h: Int) -> CellCandidate {
        let p = parameters
        var x0 = w, y0 = h, x1 = 0, y1 = 0
        for i in part {
            let x = i % w, y = i / w
            x0 = min(x0, x); y0 = min(y0, y); x1 = max(x1, x + 1); y1 = max(y1, y + 1)
        }
        let eqd = (4 * Double(part.count) / Double.pi).squareRoot()
        let nucleus = BoundingBox(x0: Double(x0), y0: Double(y0), x1: Double(x1), y1: Double(y1))
        let region = nucleus.grown(by: p.cytoplasmMarginFraction * eqd)
        let cut = region.x0 < 0 || region.y0 < 0 || region.x1 > Double(w) || region.y1 > Double(h)
        return CellCandidate(
            box: nucleus.grown(by: p.cellBoxMarginFraction * eqd).clipped(width: w, height: h),
            regionBox: region.clipped(width: w, height: h), centerX: region.centerX, centerY: region.centerY,
            diameter: (region.width * region.height).squareRoot(),
            nucleusBox: nucleus,
            nucleusArea: part.count, score: min(1, (Double(part.count) / Double(max(1, areaReference))).squareRoot()),
            touchesBorder: cut)
    }
}
