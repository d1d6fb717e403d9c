/// How an image is cut into tiles that fit the memory ceiling.
///
/// Each tile has a core (the tiles' cores partition the image) and a read rectangle: the
/// core grown by `margin` on every side, clipped to the image. A cell is taken from the tile
/// whose core (grown by the seam slack) contains its centre, so the margin must exceed a
/// crop's half side. An image that fits one tile (core up to `maxTileSize`, plus margins) and
/// the memory ceiling is one tile whose core and read rectangle are the whole image.
///
/// Memory model (measured, see `bytesPerWorkingPixel`): the working planes of localisation
/// cost about that many bytes per pixel of the read rectangle; the rest of the ceiling
/// covers the process, the model, the overlay and kept cell images (`reservedBytes`).
package struct TilePlan: Sendable, Equatable {
    /// A rectangle in image pixels.
    package struct Rect: Sendable, Equatable {
        package var x: Int, y: Int, width: Int, height: Int
        package init(x: Int, y: Int, width: Int, height: Int) { self.x = x; self.y = y; self.width = width; self.height = height }
        package var pixels: Int { width * height }
        package func contains(x px: Double, y py: Double, slack: Double = 0) -> Bool {
            px >= Double(x) - slack && px < Double(x + width) + slack && py >= Double(y) - slack && py < Double(y + height) + slack
        }
    }

    package struct Tile: Sendable, Equatable {
        package var core: Rect
        package var read: Rect
    }

    /// Upper bound of the localisation's working memory per pixel of a tile's read rectangle
    /// (input Image, RGB planes, optical density, concentrations, normalised image, prior,
    /// labels and masks; measured ~55-85 bytes in the whole-slide test, with room to spare).
    package static let bytesPerWorkingPixel = 96
    /// Smallest core side tried before giving up.
    package static let minimumCore = 256

    package let imageWidth: Int
    package let imageHeight: Int
    package let coreSize: Int
    package let margin: Int
    package let tiles: [Tile]

    /// Plans `width x height` under `budgetBytes` of working memory for `parallelTiles` tiles
    /// in flight. Throws `resourceExhausted` when even the smallest tile does not fit.
    package init(width: Int, height: Int, maxTileSize: Int, margin: Int, budgetBytes: Int, parallelTiles: Int = 1) throws {
        imageWidth = width; imageHeight = height; self.margin = margin
        let perTile = budgetBytes / max(1, parallelTiles)
        func fits(_ w: Int, _ h: Int) -> Bool { w * h * TilePlan.bytesPerWorkingPixel <= perTile }
        if width <= maxTileSize + 2 * margin, height <= maxTileSize + 2 * margin, fits(width, height) {
            coreSize = max(width, height)
            tiles = [Tile(core: Rect(x: 0, y: 0, width: width, height: height),
                          read: Rect(x: 0, y: 0, width: width, height: height))]
            return
        }
        var core = maxTileSize
        while core > TilePlan.minimumCore, !fits(core + 2 * margin, core + 2 * margin) { core = core * 3 / 4 }
        guard fits(core + 2 * margin, core + 2 * margin) else {
            let need = (core + 2 * margin) * (core + 2 * margin) * TilePlan.bytesPerWorkingPixel * max(1, parallelTiles)
            throw AnalysisError(.resourceExhausted,
                                "the memory limit leaves \(budgetBytes >> 20) MB for tiles; a \(core)-pixel tile with its \(margin)-pixel margins needs \(need >> 20) MB")
        }
        coreSize = core
        var tiles: [Tile] = []
        for top in stride(from: 0, to: height, by: core) {
            for left in stride(from: 0, to: width, by: core) {
                let c = Rect(x: left, y: top, width: min(core, width - left), height: min(core, height - top))
                let x0 = max(0, left - margin), y0 = max(0, top - margin)
                let x1 = min(width, c.x + c.width + margin), y1 = min(height, c.y + c.height + margin)
                tiles.append(Tile(core: c, read: Rect(x: x0, y: y0, width: x1 - x0, height: y1 - y0)))
            }
        }
        self.tiles = tiles
    }

    /// Whether the image is analysed in one piece.
    package var isSingleTile: Bool { tiles.count == 1 }
}
