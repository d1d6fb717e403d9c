/// Intersection-over-union and Dice of binary masks, accumulated per image and averaged.
///
/// Label maps use the segmentation classes 0 background, 1 cytoplasm, 2 nucleus; the "cell"
/// region is cytoplasm or nucleus. When both masks of a region are empty the image scores 1
/// (nothing to find, nothing found).
package struct MaskOverlap: Sendable, Equatable {
    package let intersection: Int
    package let union: Int
    package let predictedArea: Int
    package let trueArea: Int

    /// Overlap of the pixels where `isInRegion` holds in the predicted and true label maps.
    package init(predicted: [UInt8], truth: [UInt8], isInRegion: (UInt8) -> Bool) {
        precondition(predicted.count == truth.count, "masks differ in size")
        var inter = 0, uni = 0, p = 0, t = 0
        for i in predicted.indices {
            let a = isInRegion(predicted[i]), b = isInRegion(truth[i])
            if a { p += 1 }
            if b { t += 1 }
            if a && b { inter += 1 }
            if a || b { uni += 1 }
        }
        intersection = inter; union = uni; predictedArea = p; trueArea = t
    }

    package var iou: Double { union == 0 ? 1 : Double(intersection) / Double(union) }
    package var dice: Double {
        predictedArea + trueArea == 0 ? 1 : 2 * Double(intersection) / Double(predictedArea + trueArea)
    }
}

/// The segmentation regions reported by `leuko eval`.
package enum MaskRegion: String, CaseIterable, Sendable {
    case cell, nucleus, cytoplasm

    /// Whether a label (0 background, 1 cytoplasm, 2 nucleus) belongs to this region.
    package func contains(_ label: UInt8) -> Bool {
        switch self {
        case .cell: return label == 1 || label == 2
        case .nucleus: return label == 2
        case .cytoplasm: return label == 1
        }
    }
}
