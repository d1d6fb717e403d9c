/// One crop for training or evaluation, with the labels its dataset has.
///
/// `crop` is planar `[4, S, S]` (stain-normalised R, G, B in [0, 1], then the saliency prior),
/// the layout Analysis's crops use. `mask`, when the dataset has one, is `S * S` labels
/// (0 background, 1 cytoplasm, 2 nucleus) in the crop's pixels; a mask may be partial, with
/// `unlabelledPixel` where the label is unknown (a box-labelled field's cell, of which only
/// the nucleus the localisation found is certain).
package struct TrainingSample: Sendable {
    /// The mask value of a pixel whose label is unknown: no segmentation loss there.
    package static let unlabelledPixel: UInt8 = 255

    package var crop: [Float]
    package var size: Int
    package var classIndex: Int?
    package var mask: [UInt8]?
    /// Dataset folder name (e.g. `pbc`), for sampling weights and per-dataset metrics.
    package var dataset: String
    /// Image path relative to its dataset (for logs and error messages).
    package var image: String

    /// Whether the sample has a mask with every pixel labelled.
    package var hasCompleteMask: Bool { mask.map { !$0.contains(Self.unlabelledPixel) } ?? false }

    package init(crop: [Float], size: Int, classIndex: Int?, mask: [UInt8]?, dataset: String, image: String) {
        precondition(crop.count == 4 * size * size, "crop must be [4, \(size), \(size)]")
        precondition(mask == nil || mask!.count == size * size, "mask must be \(size) x \(size)")
        self.crop = crop; self.size = size; self.classIndex = classIndex; self.mask = mask
        self.dataset = dataset; self.image = image
    }
}
