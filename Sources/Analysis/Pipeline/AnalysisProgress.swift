/// How far a long analysis has got, reported after each tile.
///
/// `etaSeconds` extrapolates the mean time per tile so far over the tiles left (nil before
/// the first tile is done). Empty tiles are cheap, so the estimate is rough on sparse slides.
package struct AnalysisProgress: Sendable, Equatable {
    package var tilesDone: Int
    package var tilesTotal: Int
    package var tilesSkippedEmpty: Int
    /// Cells found so far (before the final duplicate merge across seams).
    package var cellsFound: Int
    package var elapsedSeconds: Double

    package init(tilesDone: Int, tilesTotal: Int, tilesSkippedEmpty: Int, cellsFound: Int, elapsedSeconds: Double) {
        self.tilesDone = tilesDone; self.tilesTotal = tilesTotal; self.tilesSkippedEmpty = tilesSkippedEmpty
        self.cellsFound = cellsFound; self.elapsedSeconds = elapsedSeconds
    }

    package var etaSeconds: Double? {
        guard tilesDone > 0 else { return nil }
        return elapsedSeconds / Double(tilesDone) * Double(tilesTotal - tilesDone)
    }

    /// One line for stderr, e.g. `tiles 12/100 (9 empty), 37 cells, 4.1 s, ETA 30 s`.
    package var line: String {
        let eta = etaSeconds.map { String(format: ", ETA %.0f s", $0) } ?? ""
        return "tiles \(tilesDone)/\(tilesTotal) (\(tilesSkippedEmpty) empty), \(cellsFound) cells, "
            + String(format: "%.1f s", elapsedSeconds) + eta
    }
}
