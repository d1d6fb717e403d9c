import CellModel
import ImageIO
import Tensor
import Analysis

/// The network-input crops of every candidate cell the localiser finds in a set of images,
/// cropped as the analyzer crops them: what `leuko adapt` re-estimates the network's
/// batch-norm statistics on (`BatchNormAdaptation`).
///
/// No labels are used, so red cells the localiser mistakes for candidates are included, as
/// they are in analysis. Images are decoded whole, so they must be fields or single-cell
/// images within `limits` (a slide is refused with ImageIO's reason, like any unreadable
/// file); a failing image is reported and skipped, the others go on. A crop is 256 KB, so
/// collection stops at `maxCrops`: images are taken in a seeded random order, so that a
/// folder larger than needed is sampled across, not read from its first sub-folder only.
package struct CandidateCropCollector: Sendable {
    /// Must normalise as the network was trained (`FieldLocalizer(for:)`).
    package var localizer = FieldLocalizer()
    /// At most this many crops per image (the candidates nearest the image centre first), so
    /// that a few crowded fields do not outweigh the rest.
    package var maxCropsPerImage = 64
    /// At most this many crops in all (2048: 512 MB).
    package var maxCrops = 2048
    /// Seeds the order in which images are read.
    package var seed: UInt64 = 1
    package var limits = ImageLimits(maxPixels: 1 << 26)

    package init() {}

    /// What was collected.
    package struct Collection: Sendable {
        package var crops: [[Float]] = []
        /// Images read (all of them unless `maxCrops` was reached first).
        package var imagesRead = 0
        /// Images that gave at least one crop.
        package var images = 0
        package var imagesWithoutCandidate = 0
        /// "path: reason" for each image that could not be read or localised.
        package var failures: [String] = []
    }

    /// The crops of one image, nearest the centre first.
    package func crops(ofImageAt path: String) throws -> [[Float]] {
        let image = try RGBRaster(image: ImageReader.read(path, limits: limits))
        let result = try localizer.run(image)
        let (cx, cy) = (Double(image.width) / 2, Double(image.height) / 2)
        let nearestFirst = result.candidates.sorted { squaredDistance($0, cx, cy) < squaredDistance($1, cx, cy) }
        return nearestFirst.prefix(maxCropsPerImage).map { CropSampler.crop(result, geometry: CropGeometry(candidate: $0)).data }
    }

    /// The crops of `paths`, read in the seeded order, a few images at a time decoded and
    /// localised in parallel over `threads`, until every image is read or `maxCrops` reached.
    package func collect(_ paths: [String], threads: Int) -> Collection {
        var rng = RandomSource(seed: seed)
        let order = paths.shuffled(using: &rng)
        let chunk = 4 * max(1, threads)
        var collection = Collection()
        var start = 0
        while start < order.count, collection.crops.count < maxCrops {
            let part = Array(order[start..<min(start + chunk, order.count)])
            let results = parallelResults(count: part.count, threads: threads) { try crops(ofImageAt: part[$0]) }
            for (path, result) in zip(part, results) where collection.crops.count < maxCrops {
                collection.imagesRead += 1
                switch result {
                case .success(let crops) where crops.isEmpty:
                    collection.imagesWithoutCandidate += 1
                case .success(let crops):
                    collection.crops += crops.prefix(maxCrops - collection.crops.count)
                    collection.images += 1
                case .failure(let error):
                    collection.failures.append("\(path): \(error)")
                }
            }
            start += chunk
        }
        return collection
    }
}
