import Testing
import ImageIO
@testable import Analysis

@Suite struct TilePlanTests {
    @Test func smallImageIsOneTile() throws {
        let plan = try TilePlan(width: 640, height: 480, maxTileSize: 2048, margin: 256, budgetBytes: 1 << 30)
        #expect(plan.isSingleTile && plan.tiles[0].read == TilePlan.Rect(x: 0, y: 0, width: 640, height: 480))
    }

    @Test func coresPartitionTheImageAndReadsAddTheMargin() throws {
        let plan = try TilePlan(width: 5000, height: 3000, maxTileSize: 2048, margin: 256, budgetBytes: 2 << 30)
        #expect(!plan.isSingleTile && plan.coreSize == 2048)
        // Cores are disjoint, inside the image, and cover all of it.
        #expect(plan.tiles.map(\.core.pixels).reduce(0, +) == 5000 * 3000)
        for (i, a) in plan.tiles.enumerated() {
            #expect(a.core.x >= 0 && a.core.y >= 0 && a.core.x + a.core.width <= 5000 && a.core.y + a.core.height <= 3000)
            for b in plan.tiles[(i + 1)...] {
                let disjoint = a.core.x + a.core.width <= b.core.x || b.core.x + b.core.width <= a.core.x
                    || a.core.y + a.core.height <= b.core.y || b.core.y + b.core.height <= a.core.y
                #expect(disjoint)
            }
            #expect(a.read.x == max(0, a.core.x - 256) && a.read.y == max(0, a.core.y - 256))
            #expect(a.read.x + a.read.width == min(5000, a.core.x + a.core.width + 256))
        }
    }

    @Test func tilesShrinkToFitTheBudgetOrFail() throws {
        let small = try TilePlan(width: 20000, height: 20000, maxTileSize: 2048, margin: 256, budgetBytes: 200 << 20)
        let side = small.coreSize + 2 * small.margin
        #expect(small.coreSize < 2048 && side * side * TilePlan.bytesPerWorkingPixel <= 200 << 20)
        #expect(throws: AnalysisError.self) {
            _ = try TilePlan(width: 20000, height: 20000, maxTileSize: 2048, margin: 256, budgetBytes: 10 << 20)
        }
    }

    @Test func blankTileScreen() {
        let glass = Image(width: 64, height: 64, channels: 3, samples: [UInt8](repeating: 240, count: 64 * 64 * 3))
        #expect(TileScreen.isBlank(glass))
        var samples = glass.samples8
        for i in 0..<100 { samples[3 * (i * 20) + 1] = 90 }   // 100 stained pixels (green absorbed)
        #expect(!TileScreen.isBlank(Image(width: 64, height: 64, channels: 3, samples: samples)))
    }
}
