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

    /// Agreement of the views of one crop: the overlap (sum over classes of the smaller
    /// probability) of each further view's distribution with the first's, averaged; in [0, 1],
    /// 1 when every view gives the same distribution. Nil for fewer than two views.
    package static func agreement(_ distributions: [[Float]]) -> Float? {
        guard distributions.count > 1, let first = distributions.first else { return nil }
        var total: Float = 0
        for other in distributions.dropFirst() {
            precondition(other.count == first.count, "views with different numbers of classes")
            total += zip(first, other).reduce(0) { $0 + min($1.0, $1.1) }
        }
        return total / Float(distributions.count - 1)
    }
}
