import Foundation
import Testing
@testable import Analysis

/// The traced outline of a cell alone on glass: it is the cell region, it joins lobes too far
/// apart for the lobe gap rule, and it is refused where the stained region runs into red cells
/// or holds two touching cells.
@Suite struct CellOutlinerTests {
    /// A white field with nothing but what `draw` adds.
    static func glass(width: Int = 200, height: Int = 160, _ draw: (inout SyntheticSmear) -> Void) -> RGBRaster {
        var s = SyntheticSmear(width: width, height: height)
        draw(&s)
        return s.render(stains: CandidateDetectionTests.stains)
    }

    static func disc(x: Double, y: Double, r: Double, width: Int, height: Int) -> BinaryMask {
        var m = BinaryMask(width: width, height: height)
        for py in 0..<height { for px in 0..<width where hypot(Double(px) + 0.5 - x, Double(py) + 0.5 - y) <= r { m[px, py] = true } }
        return m
    }

    static func region(_ r: FieldLocalizer.Result, _ k: Int) -> BinaryMask {
        BinaryMask(width: r.width, height: r.height, bits: r.cellLabels.map { $0 == Int32(k + 1) })
    }

    @Test func lobesFarApartInOneCellAreOneCandidateWhoseRegionIsTheCell() throws {
        // Two round lobes (r 9, diameter 18) 24 px apart: beyond 0.3 x (18 + 18) and 0.8 x 18.
        let img = Self.glass { s in
            s.disc(x: 100, y: 80, r: 40, nucleus: 0.08, counter: 0.12, replace: true)   // cytoplasm
            s.disc(x: 79, y: 80, r: 9, nucleus: 0.9, counter: 0.05, replace: true)
            s.disc(x: 121, y: 80, r: 9, nucleus: 0.9, counter: 0.05, replace: true)
        }
        var marginOnly = FieldLocalizer()
        marginOnly.detector.parameters.outlineReach = 0
        #expect(try marginOnly.run(img).candidates.count == 2, "the lobe rule alone keeps them apart")

        let r = try FieldLocalizer().run(img)
        #expect(r.candidates.count == 1, "\(r.candidates)")
        let c = try #require(r.candidates.first)
        #expect(c.nucleusBox.x0 <= 71 && c.nucleusBox.x1 >= 129)
        let cell = Self.disc(x: 100, y: 80, r: 40, width: img.width, height: img.height)
        #expect(Self.region(r, 0).iou(cell) > 0.95)
        #expect(c.regionBox.x0 <= 61 && c.regionBox.x1 >= 139)
    }

    @Test func aWideCytoplasmIsTracedWhereTheMarginRuleFallsShort() throws {
        // Nucleus r 10, cytoplasm r 38: the margin (0.3 x 20 px) covers a small part of the cell.
        let img = Self.glass { s in
            s.disc(x: 100, y: 80, r: 38, nucleus: 0.08, counter: 0.12, replace: true)
            s.disc(x: 100, y: 80, r: 10, nucleus: 0.9, counter: 0.05, replace: true)
        }
        let cell = Self.disc(x: 100, y: 80, r: 38, width: img.width, height: img.height)
        var marginOnly = FieldLocalizer()
        marginOnly.detector.parameters.outlineReach = 0
        #expect(Self.region(try marginOnly.run(img), 0).iou(cell) < 0.5)
        let r = try FieldLocalizer().run(img)
        #expect(Self.region(r, 0).iou(cell) > 0.95)
        // The crop keeps its nucleus-based centre and scale.
        let m = try marginOnly.run(img)
        #expect(r.candidates[0].diameter == m.candidates[0].diameter && r.candidates[0].centerX == m.candidates[0].centerX)
    }

    @Test func twoTouchingCellsAreNotJoined() throws {
        let img = Self.glass(width: 240) { s in
            for x in [85.0, 143.0] {   // cytoplasms r 29 touch
                s.disc(x: x, y: 80, r: 29, nucleus: 0.08, counter: 0.12, replace: true)
            }
            for x in [85.0, 143.0] { s.disc(x: x, y: 80, r: 15, nucleus: 0.9, counter: 0.05, replace: true) }
        }
        let r = try FieldLocalizer().run(img)
        #expect(r.candidates.count == 2, "\(r.candidates)")
    }

    @Test func aCellAmongRedCellsKeepsTheMarginRule() throws {
        // Red cells packed around the WBC connect its stained region to the window's edge.
        let img = Self.glass { s in
            for y in stride(from: 6.0, to: 160, by: 20) {
                for x in stride(from: 6.0, to: 200, by: 20) { s.disc(x: x, y: y, r: 11, counter: 0.3, replace: true) }
            }
            s.disc(x: 100, y: 80, r: 30, nucleus: 0.08, counter: 0.12, replace: true)
            s.disc(x: 100, y: 80, r: 14, nucleus: 0.9, counter: 0.05, replace: true)
        }
        var marginOnly = FieldLocalizer()
        marginOnly.detector.parameters.outlineReach = 0
        let r = try FieldLocalizer().run(img), m = try marginOnly.run(img)
        #expect(r.candidates == m.candidates)
        #expect(r.cellLabels == m.cellLabels)
    }

    @Test func aCellCutByTheImageEdgeIsNotTraced() throws {
        let img = Self.glass { s in
            s.disc(x: 20, y: 80, r: 36, nucleus: 0.08, counter: 0.12, replace: true)
            s.disc(x: 20, y: 80, r: 12, nucleus: 0.9, counter: 0.05, replace: true)
        }
        var marginOnly = FieldLocalizer()
        marginOnly.detector.parameters.outlineReach = 0
        #expect(try FieldLocalizer().run(img).cellLabels == marginOnly.run(img).cellLabels)
    }
}

@Suite struct ConvexHullTests {
    @Test func hullOfASquareWithInnerPointsIsItsCorners() {
        var points: [(x: Int, y: Int)] = []
        for y in 0...4 { for x in 0...4 { points.append((x, y)) } }
        let v = ConvexHull.vertices(points)
        #expect(Set(v.map { $0.x * 10 + $0.y }) == [0, 4, 40, 44])
        #expect(ConvexHull.area(points) == 16)
    }

    @Test func areaOfATriangleAndDegenerateSets() {
        #expect(ConvexHull.area([(0, 0), (6, 0), (0, 4), (1, 1)]) == 12)
        #expect(ConvexHull.area([(0, 0), (3, 3), (6, 6)]) == 0)
        #expect(ConvexHull.area([(2, 2)]) == 0)
    }

    @Test func pixelHullMatchesTheHullOfAllPixels() {
        // An L shape: its hull is a pentagon-like area larger than its pixel count.
        let w = 20
        var pixels: [Int] = []
        for y in 0..<10 { for x in 0..<3 { pixels.append(y * w + x) } }
        for y in 7..<10 { for x in 3..<10 { pixels.append(y * w + x) } }
        let all = ConvexHull.area(pixels.map { (x: $0 % w, y: $0 / w) })
        #expect(ConvexHull.area(ofPixels: pixels, width: w) == all)
        #expect(all > Double(pixels.count) * 0.6 && all < 81)
    }
}
