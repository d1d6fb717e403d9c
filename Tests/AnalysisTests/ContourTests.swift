import Foundation
import CellModel
import Testing
@testable import Analysis

@Suite struct ContourTests {
    /// Shoelace area of a ring.
    static func area(_ ring: [ContourPoint]) -> Double {
        var s = 0.0
        for i in ring.indices {
            let (a, b) = (ring[i], ring[(i + 1) % ring.count])
            s += a.x * b.y - b.x * a.y
        }
        return abs(s) / 2
    }

    @Test func traceOfASquareVisitsItsBoundaryOnce() {
        // A 5x4 block at (2, 3) in a 10x10 grid: 14 boundary pixels.
        let ring = ContourTracer.trace(width: 10, height: 10) { u, v in (2..<7).contains(u) && (3..<7).contains(v) }
        #expect(ring.count == 14)
        #expect(Set(ring.map { "\($0.u),\($0.v)" }).count == 14)
        #expect(ring.allSatisfy { $0.u == 2 || $0.u == 6 || $0.v == 3 || $0.v == 6 })
        #expect(ring.first! == (2, 3))
    }

    @Test func singlePixelAndEmpty() {
        #expect(ContourTracer.trace(width: 5, height: 5) { u, v in u == 2 && v == 2 }.count == 1)
        #expect(ContourTracer.trace(width: 5, height: 5) { _, _ in false }.isEmpty)
    }

    @Test func discContourIsSimplifiedAndKeepsItsArea() {
        let r = 20.0
        var labels = [UInt8](repeating: 0, count: 60 * 60)
        for v in 0..<60 { for u in 0..<60 where hypot(Double(u) + 0.5 - 30, Double(v) + 0.5 - 30) <= r { labels[v * 60 + u] = 1 } }
        let mask = CellMask(x0: 100, y0: 200, width: 60, height: 60, labels: labels)
        let raw = mask.cellContour(tolerance: 0)
        let simple = mask.cellContour(tolerance: 0.75)
        #expect(simple.count < raw.count / 2 && simple.count >= 12)
        // Through pixel centres, the ring encloses the disc minus about half a pixel all round.
        let expected = Double.pi * (r - 0.5) * (r - 0.5)
        #expect(abs(Self.area(simple) - expected) / expected < 0.05)
        // Image coordinates: centred on (130, 230).
        let cx = simple.map(\.x).reduce(0, +) / Double(simple.count), cy = simple.map(\.y).reduce(0, +) / Double(simple.count)
        #expect(abs(cx - 130) < 1.5 && abs(cy - 230) < 1.5)
    }

    @Test func douglasPeuckerKeepsCornersDropsCollinearPoints() {
        var line: [ContourPoint] = []
        for x in 0...10 { line.append(ContourPoint(x: Double(x), y: 0)) }
        for y in 1...10 { line.append(ContourPoint(x: 10, y: Double(y))) }
        let simple = PolygonSimplifier.simplifyOpen(line, tolerance: 0.5)
        #expect(simple == [ContourPoint(x: 0, y: 0), ContourPoint(x: 10, y: 0), ContourPoint(x: 10, y: 10)])
        let square = [(0, 0), (5, 0), (10, 0), (10, 5), (10, 10), (5, 10), (0, 10), (0, 5)].map { ContourPoint(x: Double($0.0), y: Double($0.1)) }
        #expect(PolygonSimplifier.simplifyClosed(square, tolerance: 0.5).count == 4)
    }

    @Test func nucleusContourFollowsTheLargestLobe() {
        var labels = [UInt8](repeating: 1, count: 40 * 40)
        for v in 5..<15 { for u in 5..<15 { labels[v * 40 + u] = 2 } }     // 100 px lobe
        for v in 25..<30 { for u in 25..<30 { labels[v * 40 + u] = 2 } }   // 25 px lobe
        let mask = CellMask(x0: 0, y0: 0, width: 40, height: 40, labels: labels)
        #expect(mask.nucleusArea == 125 && mask.cellArea == 1600)
        let ring = mask.nucleusContour(tolerance: 0.5)
        #expect(ring.count == 4)
        #expect(ring.allSatisfy { (5.5...14.5).contains($0.x) && (5.5...14.5).contains($0.y) })
    }
}
