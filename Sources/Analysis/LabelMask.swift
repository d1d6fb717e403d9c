import ImageIO

/// An 8-bit single-channel label image (e.g. a nucleus/cytoplasm mask: 0 background,
/// 128 cytoplasm, 255 nucleus), taken from the first channel of a decoded image.
///
/// 16-bit samples are reduced to their high byte. Row-major, top row first.
package struct LabelMask: Sendable, Equatable {
    package let width: Int
    package let height: Int
    package let values: [UInt8]

    package init(width: Int, height: Int, values: [UInt8]) {
        precondition(values.count == width * height, "label mask size mismatch")
        self.width = width; self.height = height; self.values = values
    }

    package init(image: Image) {
        let n = image.width * image.height, c = image.channels
        var v = [UInt8](repeating: 0, count: n)
        if image.bitDepth == 16 {
            for i in 0..<n { v[i] = UInt8(image.samples16[i * c] >> 8) }
        } else {
            for i in 0..<n { v[i] = image.samples8[i * c] }
        }
        self.init(width: image.width, height: image.height, values: v)
    }

    /// Decodes a mask file.
    package static func read(_ path: String) throws -> LabelMask { LabelMask(image: try ImageReader.read(path)) }

    /// Pixels whose label is above 0 (the whole cell: nucleus and cytoplasm).
    package var cell: BinaryMask { BinaryMask(width: width, height: height, bits: values.map { $0 > 0 }) }

    /// The segmentation class of a stored value (0 / 128 / 255 in the files): 0 background,
    /// 1 cytoplasm, 2 nucleus.
    @inline(__always)
    package static func segmentationClass(_ value: UInt8) -> UInt8 { value >= 192 ? 2 : (value >= 64 ? 1 : 0) }

    /// Every pixel's segmentation class (`segmentationClass`).
    package var segmentationClasses: [UInt8] { values.map(Self.segmentationClass) }
}
