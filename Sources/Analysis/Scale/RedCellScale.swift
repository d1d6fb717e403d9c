import Foundation

/// Estimates an image's pixel size from its red cells: a normal red cell is about 7.5 µm
/// across, and nearly every blood smear shows many of them, so their typical diameter in
/// pixels is a ruler the smear carries itself.
///
/// The method assumes no size in pixels, so the estimate follows the magnification:
/// 1. Stained matter: the optical-density norm above the lower of the three-class Otsu
///    thresholds (`MultiOtsu`: glass | red cells and cytoplasm | nuclei).
/// 2. Holes filled: a red cell's pale centre can fall below that threshold and make it a
///    ring. Enclosed background is filled when its area is under `holeShare` of the stained
///    blob around it (a pallor is a small part of its cell; glass enclosed by a ring of
///    several cells is larger and stays glass).
/// 3. Cell centres: local maxima of the distance to the nearest glass pixel, where the
///    image's outside is not glass, so a cell cut by the border keeps its own radius. The
///    value r is the radius of the largest disc centred there. Maxima within 0.8 of the larger
///    radius of a stronger one are the same cell's; maxima nearer the border than r / 2 (cells
///    mostly outside) and of r < 2.5 px (specks) are dropped. Touching red cells keep one
///    centre each.
/// 4. Diameter 2 (r + 0.5) per centre (distances run between pixel centres); the estimate is
///    their median weighted by r², the area each explains, so the many small maxima of
///    ragged edges count little and red cells, which cover most of a smear, decide.
/// Fewer than `minimumCells` centres: no estimate. Images over `maximumPixels` are reduced to
/// that size first.
package struct RedCellScale: Sendable {
    /// Diameter of a normal red cell (µm).
    package static let redCellDiameter = 7.5
    package var minimumCells = 5
    package var holeShare = 0.5
    /// Larger images are reduced to this many pixels first (the estimate's planes then stay
    /// near 50 MB).
    package var maximumPixels = 1 << 20

    package init() {}

    /// One image's estimate.
    package struct Estimate: Sendable, Equatable, Codable {
        /// Pixel size (µm per pixel) implied by the typical red-cell diameter.
        package var micronsPerPixel: Double
        /// The typical (area-weighted median) red-cell diameter, in pixels.
        package var medianDiameter: Double
        /// How many cell centres the median is over.
        package var cells: Int

        enum CodingKeys: String, CodingKey {
            case micronsPerPixel = "microns_per_pixel", medianDiameter = "red_cell_diameter_px", cells
        }
    }

    /// The estimate for `image`, or nil when it shows too few cells. An image over
    /// `maximumPixels` is first reduced (area averaging) to that size, and the diameter scaled
    /// back, so the whole field counts and the working planes stay small.
    package func estimate(_ image: RGBRaster) -> Estimate? {
        guard image.count > maximumPixels else { return estimateAsIs(image) }
        let reduced = image.resized(by: (Double(maximumPixels) / Double(image.count)).squareRoot())
        guard var estimate = estimateAsIs(reduced) else { return nil }
        estimate.medianDiameter *= Double(image.width) / Double(reduced.width)
        estimate.micronsPerPixel = Self.redCellDiameter / estimate.medianDiameter
        return estimate
    }

    private func estimateAsIs(_ image: RGBRaster) -> Estimate? {
        guard image.width >= 16, image.height >= 16 else { return nil }
        let density = OpticalDensity(image)
        var values = [Float](repeating: 0, count: image.count)
        for i in values.indices { values[i] = density.norm(i) }
        let threshold = MultiOtsu.thresholds(values).lower
        var stained = BinaryMask(width: image.width, height: image.height)
        for i in values.indices { stained.bits[i] = values[i] > threshold }
        let centres = Self.cellCentres(in: Self.fillingHoles(of: stained, smallerThan: holeShare))
        guard centres.count >= minimumCells else { return nil }
        let diameter = Self.weightedMedian(centres.map { (2 * ($0.r + 0.5), $0.r * $0.r) })
        return Estimate(micronsPerPixel: Self.redCellDiameter / diameter, medianDiameter: diameter, cells: centres.count)
    }

    /// Step 3: the cell centres of a stained mask, strongest first.
    static func cellCentres(in mask: BinaryMask) -> [(x: Int, y: Int, r: Double)] {
        var glass = BinaryMask(width: mask.width, height: mask.height)
        for i in mask.bits.indices { glass.bits[i] = !mask.bits[i] }
        let squared = DistanceTransform.squared(to: glass)
        let (w, h) = (mask.width, mask.height)
        var maxima: [(x: Int, y: Int, r: Double)] = []
        for y in 0..<h {
            for x in 0..<w {
                let d = squared.values[y * w + x]
                guard mask.bits[y * w + x], d >= 6.25 else { continue }
                var isMaximum = true
                for dy in -1...1 where isMaximum && y + dy >= 0 && y + dy < h {
                    for dx in -1...1 where x + dx >= 0 && x + dx < w && squared.values[(y + dy) * w + x + dx] > d {
                        isMaximum = false
                        break
                    }
                }
                let r = Double(d).squareRoot()
                if isMaximum, Double(min(x, y, w - 1 - x, h - 1 - y)) >= r / 2 { maxima.append((x, y, r)) }
            }
        }
        maxima.sort { $0.r > $1.r }
        var kept: [(x: Int, y: Int, r: Double)] = []
        for m in maxima {
            let sameCell = kept.contains { k in
                let (dx, dy) = (Double(k.x - m.x), Double(k.y - m.y))
                return dx * dx + dy * dy < 0.64 * k.r * k.r  // k.r >= m.r: sorted
            }
            if !sameCell { kept.append(m) }
        }
        return kept
    }

    /// The median of `(value, weight)` pairs by weight.
    static func weightedMedian(_ pairs: [(Double, Double)]) -> Double {
        let sorted = pairs.sorted { $0.0 < $1.0 }
        let half = sorted.reduce(0) { $0 + $1.1 } / 2
        var sum = 0.0
        for (value, weight) in sorted {
            sum += weight
            if sum >= half { return value }
        }
        return sorted.last?.0 ?? 0
    }

    /// Step 2: `mask` with its enclosed background regions (not touching the border) set where
    /// their area is under `share` of the stained component around them (the one just left of
    /// the hole's first pixel in raster order).
    static func fillingHoles(of mask: BinaryMask, smallerThan share: Double) -> BinaryMask {
        var background = BinaryMask(width: mask.width, height: mask.height)
        for i in mask.bits.indices { background.bits[i] = !mask.bits[i] }
        let holes = ConnectedComponents(background)
        let blobs = ConnectedComponents(mask)
        var first = [Int](repeating: -1, count: holes.components.count + 1)
        for i in holes.labels.indices where holes.labels[i] != 0 && first[Int(holes.labels[i])] < 0 {
            first[Int(holes.labels[i])] = i
        }
        var fill = Set<Int>()
        for hole in holes.components where !hole.touchesBorder {
            let start = first[hole.label]
            guard start > 0, start % mask.width > 0 else { continue }
            let around = Int(blobs.labels[start - 1])
            guard around > 0, Double(hole.area) < share * Double(blobs.components[around - 1].area) else { continue }
            fill.insert(hole.label)
        }
        var result = mask
        for i in result.bits.indices where holes.labels[i] != 0 && fill.contains(Int(holes.labels[i])) {
            result.bits[i] = true
        }
        return result
    }
}
