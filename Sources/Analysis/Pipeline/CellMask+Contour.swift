extension CellMask {
    /// The cell's outline (all cell pixels of this single-component mask), in image pixel
    /// centres, simplified by Douglas-Peucker with `tolerance` pixels. Empty for an empty mask.
    package func cellContour(tolerance: Double) -> [ContourPoint] {
        contour(tolerance: tolerance) { labels[$1 * width + $0] > 0 }
    }

    /// The outline of the largest nucleus piece (a lobed nucleus has several; its area counts
    /// them all, its contour shows the largest). Empty when there is no nucleus pixel.
    package func nucleusContour(tolerance: Double) -> [ContourPoint] {
        let nucleus = BinaryMask(width: width, height: height, bits: labels.map { $0 == 2 })
        let comps = ConnectedComponents(nucleus)
        guard let largest = comps.components.max(by: { $0.area < $1.area }) else { return [] }
        let label = Int32(largest.label)
        return contour(tolerance: tolerance) { comps.labels[$1 * width + $0] == label }
    }

    private func contour(tolerance: Double, inside: (Int, Int) -> Bool) -> [ContourPoint] {
        let ring = ContourTracer.trace(width: width, height: height, inside: inside)
            .map { ContourPoint(x: Double(x0 + $0.u) + 0.5, y: Double(y0 + $0.v) + 0.5) }
        return PolygonSimplifier.simplifyClosed(ring, tolerance: tolerance)
    }
}
