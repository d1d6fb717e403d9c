/// A point of a contour in the source image's pixel coordinates (x = column, y = row, pixel
/// centres at half-integers: the top-left pixel covers [0, 1) x [0, 1)).
package struct ContourPoint: Sendable, Equatable, Hashable, Codable {
    package var x: Double
    package var y: Double

    package init(x: Double, y: Double) { self.x = x; self.y = y }
}
