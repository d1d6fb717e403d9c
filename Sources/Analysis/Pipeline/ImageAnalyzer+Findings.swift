import CellModel

extension ImageAnalyzer {
    /// Merges duplicates, then turns each kept cell into a numbered `CellFinding` (reading
    /// order: by the centroid's row, then column) with contours, areas and flags.
    func findings(from cells: [DetectedCell], source: ImageAnalysis.Source) -> [CellFinding] {
        let (kept, overlapping) = CellMerger.merge(cells, duplicateOverlap: settings.duplicateOverlap,
                                                   overlapFlag: settings.overlapFlag)
        let centroids = kept.map { $0.mask.centroid ?? (0, 0) }
        let order = kept.indices.sorted { a, b in
            centroids[a].y != centroids[b].y ? centroids[a].y < centroids[b].y : centroids[a].x < centroids[b].x
        }
        let pixelArea: Double? = source.pixelSpacing.flatMap { $0.x > 0 && $0.y > 0 ? $0.x * $0.y : nil }
        let unit: CellFinding.AreaUnit = pixelArea == nil ? .pixel : .squareMicrometre
        let classes = CellClass.allCases
        return order.enumerated().map { position, i in
            let cell = kept[i]
            let ranked = cell.probabilities.indices.sorted { cell.probabilities[$0] > cell.probabilities[$1] }
            let top = ranked.first ?? 0
            let cellClass = classes[min(top, classes.count - 1)]
            let probability = Double(cell.probabilities.isEmpty ? 0 : cell.probabilities[top])
            let runnerUp = ranked.count > 1 && ranked[1] < classes.count
                ? (cellClass: classes[ranked[1]], probability: Double(cell.probabilities[ranked[1]])) : nil
            var flags = settings.review.flags(probability: probability, consistency: cell.consistency.map(Double.init))
            if cell.atBorder { flags.insert(.atBorder) }
            if overlapping.contains(i) { flags.insert(.overlapping) }
            if cell.empty || !cellClass.isWBC { flags.insert(.notAWBC) }
            let scale = pixelArea ?? 1
            let (cellPixels, nucleusPixels) = (cell.mask.cellArea, cell.mask.nucleusArea)
            return CellFinding(
                number: position + 1, cellClass: cellClass, probability: probability, runnerUp: runnerUp,
                contour: cell.mask.cellContour(tolerance: settings.contourTolerance),
                nucleusContour: cell.mask.nucleusContour(tolerance: settings.contourTolerance),
                box: cell.mask.box ?? BoundingBox(x0: 0, y0: 0, x1: 0, y1: 0),
                cellArea: Double(cellPixels) * scale, nucleusArea: Double(nucleusPixels) * scale,
                cytoplasmArea: Double(cellPixels - nucleusPixels) * scale, areaUnit: unit,
                consistency: cell.consistency.map(Double.init), flags: flags, images: cell.images)
        }
    }
}
