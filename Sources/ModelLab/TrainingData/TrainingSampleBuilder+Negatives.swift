import CellModel
import ImageIO
import Analysis
import Tensor

extension TrainingSampleBuilder {
    /// The dataset name negative crops are filed under (`bccd` -> `bccd-negatives`), so that
    /// `leuko train --weight NAME=W` weighs them and validation scores them on their own.
    package static func negativesDataset(_ dataset: String) -> String { dataset + "-negatives" }

    /// Crops of what the localisation takes for a cell where the annotators marked no WBC,
    /// from a smear field with WBC boxes: at most `negativesPerImage`, each with an all-
    /// background mask and no class, so the network learns to see no cell there (the
    /// analyzer then reports the candidate `not_a_wbc`, DESIGN's empty-mask rule).
    ///
    /// Two sources, in this order:
    /// - candidates of the whole field whose box meets no WBC box (grown by a quarter of its
    ///   larger side: a lobe or the cytoplasm of an annotated cell is not "no cell");
    /// - candidates of the largest strip of the field clear of every grown WBC box (left,
    ///   right, above or below them all), localised as an image of its own: a field with red
    ///   cells only, where the detector's relative threshold picks the darkest red cells.
    ///   The strip must be at least `minimumNegativeWindow` pixels on each side.
    /// A field without boxes gives none (it may hold an unannotated WBC).
    package func negatives(for record: DatasetRecord) throws -> [TrainingSample] {
        let boxes = record.wbcBoxes.map { $0.grown(by: 0.25 * max($0.width, $0.height)) }
        guard negativesPerImage > 0, !boxes.isEmpty else { return [] }
        let decoded = try ImageReader.read(record.imagePath)
        let image = RGBRaster(image: decoded)
        let whole = try localizer.run(image)
        var samples = whole.candidates.filter { c in !boxes.contains { $0.intersects(c.box) } }
            .map { negative(whole, CropGeometry(candidate: $0), record: record) }
        if samples.count < negativesPerImage,
           let strip = Self.clearStrip(width: image.width, height: image.height, avoiding: boxes,
                                       minimumSide: minimumNegativeWindow) {
            let field = try localizer.run(RGBRaster(image: decoded.cropped(x: strip.x, y: strip.y, width: strip.width, height: strip.height)))
            samples += field.candidates.map { negative(field, CropGeometry(candidate: $0), record: record) }
        }
        return Array(samples.prefix(negativesPerImage))
    }

    private func negative(_ result: FieldLocalizer.Result, _ geometry: CropGeometry, record: DatasetRecord) -> TrainingSample {
        TrainingSample(crop: CropSampler.crop(result, geometry: geometry).data, size: geometry.size, classIndex: nil,
                       mask: [UInt8](repeating: 0, count: geometry.size * geometry.size),
                       dataset: Self.negativesDataset(record.dataset), image: record.image)
    }

    /// The largest of the four full-width or full-height strips of a `width x height` image
    /// that lie beyond every box (left of all, right of all, above all, below all), when its
    /// sides are both at least `minimumSide` (with no boxes, the whole image).
    static func clearStrip(width w: Int, height h: Int, avoiding boxes: [BoundingBox],
                           minimumSide: Int) -> (x: Int, y: Int, width: Int, height: Int)? {
        guard !boxes.isEmpty else { return w >= minimumSide && h >= minimumSide ? (0, 0, w, h) : nil }
        let left = Int(boxes.map(\.x0).min()!.rounded(.down)), right = Int(boxes.map(\.x1).max()!.rounded(.up))
        let top = Int(boxes.map(\.y0).min()!.rounded(.down)), bottom = Int(boxes.map(\.y1).max()!.rounded(.up))
        let strips = [(0, 0, left, h), (right, 0, w - right, h), (0, 0, w, top), (0, bottom, w, h - bottom)]
            .filter { $0.2 >= minimumSide && $0.3 >= minimumSide }
        return strips.max { $0.2 * $0.3 < $1.2 * $1.3 }
    }
}
