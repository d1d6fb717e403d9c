/// The dihedral views of a crop that test-time augmentation averages over.
///
/// Transforms are numbered as in `CropAugmentation.dihedral` (0 identity, 1-3 turns by 90,
/// 180 and 270 degrees, 4-7 the same after a horizontal flip). Views come in a fixed order
/// so that fewer views are a prefix of more: upright, mirrored, turned 180 degrees,
/// mirrored and turned (a vertical flip), then the four 90-degree turns. A cell has no
/// preferred orientation on a slide, and the network was trained on all eight.
package enum TestTimeViews {
    /// The view counts a predictor accepts (each a prefix of `order`).
    package static let counts = [1, 2, 4, 8]

    /// The view order (8 transforms).
    package static let order = [0, 4, 2, 6, 1, 3, 5, 7]

    /// The transforms for `count` views (clamped to 1...8).
    package static func transforms(_ count: Int) -> [Int] {
        Array(order.prefix(min(8, max(1, count))))
    }

    /// The transform that undoes `transform`: turns go back the other way; the flipped ones
    /// are reflections, each its own inverse.
    package static func inverse(_ transform: Int) -> Int {
        transform < 4 ? (4 - transform) % 4 : transform
    }
}
