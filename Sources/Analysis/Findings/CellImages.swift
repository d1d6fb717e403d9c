/// The pictures of one cell that its gallery tile (`cells/NNN.png`) shows: the crop the
/// network saw, its predicted mask and its Grad-CAM, all `size` x `size`, row-major.
package struct CellImages: Sendable, Equatable {
    /// Side of each picture in pixels (the network's crop size, 128).
    package let size: Int
    /// The crop as interleaved 8-bit RGB, `size * size * 3` values (after stain normalisation).
    package let rgb: [UInt8]
    /// Per-pixel labels, `size * size`: 0 background, 1 cytoplasm, 2 nucleus.
    package let segmentation: [UInt8]
    /// Grad-CAM of the predicted class in [0, 1], `size * size`; empty when the model has no
    /// classification head.
    package let gradCAM: [Float]

    package init(size: Int, rgb: [UInt8], segmentation: [UInt8], gradCAM: [Float]) {
        precondition(rgb.count == size * size * 3 && segmentation.count == size * size,
                     "cell images must be \(size)x\(size)")
        precondition(gradCAM.isEmpty || gradCAM.count == size * size, "Grad-CAM must be \(size)x\(size)")
        self.size = size; self.rgb = rgb; self.segmentation = segmentation; self.gradCAM = gradCAM
    }
}
