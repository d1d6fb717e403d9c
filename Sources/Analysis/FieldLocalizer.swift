import ImageIO

/// The front half of the per-image pipeline: stain normalisation, saliency prior and
/// candidate cells for one image (a smear field or a single-cell crop).
///
/// The saliency prior P (per pixel, in [0, 1]) is built from the stain separation, not from
/// darkness: Macenko unmixing gives the nucleus-stain concentration c (WBC nuclei take far
/// more of the basic stain than red cells, whose density is mostly the acidic stain), smoothed
/// by a Gaussian (σ = 1 px) into c̃. With the detection threshold t (see `CandidateDetector`):
///
///     nucleus term  n(x) = clamp((c̃(x) - t/2) / t, 0, 1)       (1 from 1.5 t up)
///     cell term     h(x) = 0.75 where x is within m_i of candidate i's nucleus, falling
///                   linearly to 0 at 1.5 m_i (m_i = its cytoplasm margin)
///     P = blur_σ=1(max(n, h))
///
/// so nuclei are ~1, the cytoplasm ring of an accepted cell ~0.75 (above 0.5: thresholding P
/// at 0.5 gives the cell estimate), and red cells, platelets (dropped by the size filter)
/// and glass ~0. `cellLabels` marks each candidate's cell region: its traced outline where the
/// cell stands alone on glass (`CellOutliner`, which also joins lobes lying inside one
/// outline), else the nucleus within its margin.
package struct FieldLocalizer: Sendable {
    package var normalizer = MacenkoNormalizer()
    package var detector = CandidateDetector()

    package init() {}

    package struct Result: Sendable {
        /// The stain-normalised image.
        package let normalized: RGBRaster
        /// The saliency prior in [0, 1].
        package let prior: FloatPlane
        /// The smoothed nucleus-stain concentration c̃.
        package let nucleusConcentration: FloatPlane
        package let stains: MacenkoNormalizer.Estimate
        package let threshold: Float
        package let candidates: [CellCandidate]
        /// Per pixel: 0, or i + 1 inside candidate i's estimated cell region.
        package let cellLabels: [Int32]
        /// The candidates whose cell region is a traced outline (`CellOutliner`: the cell
        /// stands alone on glass) rather than the nucleus grown by its margin.
        package var outlinedCandidates: Set<Int> = []
        package var width: Int { prior.width }
        package var height: Int { prior.height }
    }

    /// Runs the pipeline on a raster. Throws for an image smaller than 8 x 8.
    package func run(_ image: RGBRaster) throws -> Result {
        var timer = StageTimer()
        return try run(image, timer: &timer)
    }

    /// Runs the pipeline, adding the time of its stages ("normalize", "candidates",
    /// "saliency") to `timer`.
    package func run(_ image: RGBRaster, timer: inout StageTimer) throws -> Result {
        guard image.width >= 8, image.height >= 8 else {
            throw AnalysisError(.unsupportedImage, "image is \(image.width)x\(image.height); need at least 8x8")
        }
        let n = timer.time("normalize") { normalizer.normalizeWithConcentrations(image) }
        return locate(normalized: n.image, stains: n.estimate, nucleus: n.nucleus, timer: &timer) {
            detector.detect($0, pixelSpacing: image.pixelSpacing, normalized: n.image)
        }
    }

    /// The stages after normalisation: smooth the nucleus-stain concentration, find the
    /// candidates with `detect` (given the smoothed plane), build the saliency prior and the
    /// cell regions. Times "candidates" and "saliency".
    func locate(normalized: RGBRaster, stains: MacenkoNormalizer.Estimate, nucleus conc: FloatPlane,
                timer: inout StageTimer, detect: (FloatPlane) -> CandidateDetector.Result) -> Result {
        let (smooth, found) = timer.time("candidates") {
            let smooth = GaussianBlur.apply(conc, sigma: detector.parameters.smoothingSigma)
            let outliner = CellOutliner(parameters: detector.parameters)
            return (smooth, outliner.refine(detect(smooth), normalized: normalized, detector: detector))
        }
        let (w, h) = (normalized.width, normalized.height)
        let (prior, labels) = timer.time("saliency") {
            let (halo, labels) = cellRegions(found, width: w, height: h)
            var combined = FloatPlane(width: w, height: h)
            let t = found.threshold
            for i in 0..<combined.values.count {
                let n = min(1, max(0, (smooth.values[i] - t / 2) / t))
                combined.values[i] = max(n, halo[i])
            }
            var prior = GaussianBlur.apply(combined, sigma: 1)
            for i in 0..<prior.values.count { prior.values[i] = min(1, max(0, prior.values[i])) }
            return (prior, labels)
        }
        return Result(normalized: normalized, prior: prior, nucleusConcentration: smooth, stains: stains,
                      threshold: found.threshold, candidates: found.candidates, cellLabels: labels,
                      outlinedCandidates: Set(found.outlines.keys))
    }

    /// Decodes `path` with ImageIO and runs the pipeline.
    package func run(path: String) throws -> Result {
        try run(RGBRaster(image: ImageReader.read(path)))
    }

    /// The cell term h and the cell-region labels, computed per candidate inside a window
    /// around its nucleus (so the cost follows the cells, not the image size).
    private func cellRegions(_ found: CandidateDetector.Result, width w: Int, height h: Int) -> ([Float], [Int32]) {
        var halo = [Float](repeating: 0, count: w * h)
        var labels = [Int32](repeating: 0, count: w * h)
        var owner = [Float](repeating: .infinity, count: w * h)
        for (k, c) in found.candidates.enumerated() {
            let m = detector.parameters.cytoplasmMarginFraction * (4 * Double(c.nucleusArea) / Double.pi).squareRoot()
            let reach = Int((1.5 * m).rounded(.up)) + 1
            let x0 = max(0, Int(c.nucleusBox.x0) - reach), y0 = max(0, Int(c.nucleusBox.y0) - reach)
            let x1 = min(w, Int(c.nucleusBox.x1) + reach), y1 = min(h, Int(c.nucleusBox.y1) + reach)
            var local = BinaryMask(width: x1 - x0, height: y1 - y0)
            for y in y0..<y1 { for x in x0..<x1 where found.nucleusLabels[y * w + x] == Int32(k + 1) { local[x - x0, y - y0] = true } }
            let d2 = DistanceTransform.squared(to: local)
            let traced = found.outlines[k] != nil
            for y in y0..<y1 {
                for x in x0..<x1 {
                    let d = Double(d2[x - x0, y - y0].squareRoot())
                    let i = y * w + x
                    let v: Float = d <= m ? 0.75 : (d < 1.5 * m ? Float(0.75 * (1.5 * m - d) / (0.5 * m)) : 0)
                    halo[i] = max(halo[i], v)
                    let rel = Float(d / max(m, 1e-6))
                    if d <= m, rel < owner[i], !traced { owner[i] = rel; labels[i] = Int32(k + 1) }
                }
            }
        }
        // A traced outline is the cell itself: it replaces the margin estimate.
        for (k, outline) in found.outlines {
            for i in outline { labels[i] = Int32(k + 1) }
        }
        return (halo, labels)
    }
}
