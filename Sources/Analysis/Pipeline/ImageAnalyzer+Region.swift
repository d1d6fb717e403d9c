import CellModel

extension ImageAnalyzer {
    /// The cells of one region: localise, crop, run the network, map masks back.
    ///
    /// `raster` is the image rectangle whose top-left is image pixel (originX, originY) of a
    /// `imageWidth x imageHeight` image. With `claim`, only candidates whose centre lies in
    /// that rectangle (image pixels, grown by the seam slack) are kept: a tile's core; with
    /// `registry`, a candidate another tile already claimed (same cell across a seam) is left
    /// to that tile. Stages timed: the localiser's, "crops", "network", "masks".
    func cells(in raster: RGBRaster, originX: Int, originY: Int, imageWidth: Int, imageHeight: Int,
               claim: TilePlan.Rect?, registry: TileRun? = nil, timer: inout StageTimer) throws -> [DetectedCell] {
        let result = try localizer.run(raster, timer: &timer)
        return try cells(from: result, originX: originX, originY: originY, imageWidth: imageWidth,
                         imageHeight: imageHeight, claim: claim, registry: registry, timer: &timer)
    }

    /// The cells of a localised region (`result`'s pixel (0, 0) is image pixel (originX,
    /// originY)): as `cells(in:…)` after localisation.
    func cells(from result: FieldLocalizer.Result, originX: Int, originY: Int, imageWidth: Int, imageHeight: Int,
               claim: TilePlan.Rect?, registry: TileRun?, timer: inout StageTimer) throws -> [DetectedCell] {
        let slack = Double(settings.seamSlack)
        var chosen = result.candidates.filter { c in
            claim?.contains(x: Double(originX) + c.centerX, y: Double(originY) + c.centerY, slack: slack) ?? true
        }
        if let registry {
            let fresh = registry.claim(chosen.map { (Double(originX) + $0.centerX, Double(originY) + $0.centerY, $0.diameter) })
            chosen = zip(chosen, fresh).filter(\.1).map(\.0)
        }
        guard !chosen.isEmpty else { return [] }
        let crops = timer.time("crops") { chosen.map { CropSampler.crop(result, geometry: CropGeometry(candidate: $0)) } }
        let predictions = try timer.time("network") { try predict(crops.map(\.data)) }
        return timer.time("masks") {
            zip(chosen, zip(crops, predictions)).map { candidate, pair in
                detectedCell(candidate, crop: pair.0, prediction: pair.1, result: result, originX: originX,
                             originY: originY, imageWidth: imageWidth, imageHeight: imageHeight)
            }
        }
    }

    private func detectedCell(_ c: CellCandidate, crop: CellCrop, prediction p: CropPrediction,
                              result: FieldLocalizer.Result, originX: Int, originY: Int,
                              imageWidth: Int, imageHeight: Int) -> DetectedCell {
        let localised = localisedMask(c, result: result)
        var mask = localised
        var empty = false, networkMask = false
        if !p.segmentation.isEmpty {
            let network = CellMask.fromCrop(p.segmentation, geometry: crop.geometry, imageWidth: result.width,
                                            imageHeight: result.height).component(nearestX: c.centerX, y: c.centerY)
            let disc = Double.pi / 4 * c.diameter * c.diameter
            empty = Double(network.cellArea) < settings.emptyMaskFraction * disc
            if !empty, network.iou(localised) >= settings.maskAgreement { mask = network; networkMask = true }
        }
        // The gallery's mask and the consistency score follow the mask the cell is reported with.
        let cropLabels = networkMask ? p.segmentation : mask.toCrop(crop.geometry)
        let consistency = p.gradCAM.isEmpty ? p.consistency : GradCAM.consistency(map: p.gradCAM, segmentation: cropLabels)
        mask = CellMask(x0: mask.x0 + originX, y0: mask.y0 + originY, width: mask.width, height: mask.height,
                        labels: mask.labels)
        let (cx, cy, r) = (Double(originX) + c.centerX, Double(originY) + c.centerY, c.diameter / 2)
        let cut = cx - r < 0 || cy - r < 0 || cx + r > Double(imageWidth) || cy + r > Double(imageHeight)
        var images: CellImages? = nil
        if settings.keepCellImages {
            let n = crop.size * crop.size
            var rgb = [UInt8](repeating: 0, count: 3 * n)
            for i in 0..<n {
                for k in 0..<3 { rgb[3 * i + k] = UInt8(max(0, min(255, (crop.data[k * n + i] * 255).rounded()))) }
            }
            images = CellImages(size: crop.size, rgb: rgb, segmentation: cropLabels, gradCAM: p.gradCAM)
        }
        return DetectedCell(mask: mask, probabilities: p.probabilities, consistency: consistency, empty: empty,
                            atBorder: cut || mask.touchesEdge(imageWidth: imageWidth, imageHeight: imageHeight),
                            images: images)
    }

    /// The localisation's own estimate of a candidate's cell (its region in `cellLabels`,
    /// nucleus where the smoothed nucleus stain is above the detection threshold), in the
    /// region's pixels.
    private func localisedMask(_ c: CellCandidate, result: FieldLocalizer.Result) -> CellMask {
        guard let k = result.candidates.firstIndex(of: c) else {
            return CellMask(x0: 0, y0: 0, width: 0, height: 0, labels: [])
        }
        let label = Int32(k + 1), w = result.width
        let x0 = max(0, Int(c.regionBox.x0.rounded(.down))), y0 = max(0, Int(c.regionBox.y0.rounded(.down)))
        let x1 = min(w, Int(c.regionBox.x1.rounded(.up))), y1 = min(result.height, Int(c.regionBox.y1.rounded(.up)))
        guard x1 > x0, y1 > y0 else { return CellMask(x0: x0, y0: y0, width: 0, height: 0, labels: []) }
        var labels = [UInt8](repeating: 0, count: (x1 - x0) * (y1 - y0))
        for y in y0..<y1 {
            for x in x0..<x1 where result.cellLabels[y * w + x] == label {
                labels[(y - y0) * (x1 - x0) + x - x0] = result.nucleusConcentration.values[y * w + x] > result.threshold ? 2 : 1
            }
        }
        return CellMask(x0: x0, y0: y0, width: x1 - x0, height: y1 - y0, labels: labels)
            .component(nearestX: c.centerX, y: c.centerY)
    }
}
