import Foundation
import ImageIO
import Tensor
import Testing
import TestSupport
@testable import Analysis

/// The pixel size estimated from red cells: right on a drawn smear of known size, following
/// the magnification on resized copies, silent where there are no red cells.
extension MemoryCeilingTests { @Suite struct RedCellScaleTests {
    /// A smear field: pink discs of `diameter` px with pale centres on glass, some touching
    /// in pairs, some cut by the border, one larger purple white cell and a few platelets.
    static func smear(diameter: Double, width: Int = 480, height: Int = 360, seed: UInt64 = 3) -> RGBRaster {
        var image = RGBRaster(width: width, height: height, fill: (0.93, 0.91, 0.92))
        var rng = RandomSource(seed: seed)
        func disc(_ cx: Double, _ cy: Double, _ r: Double, _ colour: (Float, Float, Float), pallor: Bool) {
            let (y0, y1) = (max(0, Int(cy - r)), min(height - 1, Int(cy + r)))
            let (x0, x1) = (max(0, Int(cx - r)), min(width - 1, Int(cx + r)))
            guard y0 <= y1, x0 <= x1 else { return }
            for y in y0...y1 {
                for x in x0...x1 {
                    let d = ((Double(x) + 0.5 - cx) * (Double(x) + 0.5 - cx) + (Double(y) + 0.5 - cy) * (Double(y) + 0.5 - cy)).squareRoot()
                    guard d <= r else { continue }
                    image.set(x, y, pallor && d < 0.4 * r ? (0.91, 0.82, 0.84) : colour)
                }
            }
        }
        let step = diameter * 1.6
        var y = -0.3 * diameter
        while y < Double(height) + 0.3 * diameter {
            var x = -0.3 * diameter
            while x < Double(width) + 0.3 * diameter {
                let jitter = (Double(rng.uniform()) - 0.5) * 0.3 * diameter
                let r = diameter / 2 * (0.93 + 0.14 * Double(rng.uniform()))
                disc(x + jitter, y, r, (0.86, 0.62, 0.66), pallor: true)
                if Double(rng.uniform()) < 0.25 { disc(x + jitter + 0.9 * diameter, y + 0.2 * diameter, r, (0.84, 0.6, 0.65), pallor: true) }
                x += step
            }
            y += step
        }
        disc(Double(width) * 0.55, Double(height) * 0.5, diameter * 0.8, (0.75, 0.7, 0.85), pallor: false)
        disc(Double(width) * 0.55, Double(height) * 0.5, diameter * 0.5, (0.45, 0.3, 0.65), pallor: false)
        return image
    }

    @Test func aDrawnSmearGivesItsRedCellSize() throws {
        for diameter in [18.0, 30.0, 45.0] {
            let estimate = try #require(RedCellScale().estimate(Self.smear(diameter: diameter)))
            #expect(abs(estimate.medianDiameter / diameter - 1) < 0.05, "\(diameter) px: \(estimate)")
            #expect(abs(estimate.micronsPerPixel - 7.5 / diameter) / (7.5 / diameter) < 0.05)
            #expect(estimate.cells >= 20)
        }
    }

    @Test func estimatesFollowTheMagnificationOfResizedCopies() throws {
        let field = Self.smear(diameter: 40, width: 640, height: 480)
        let original = try #require(RedCellScale().estimate(field))
        for factor in [0.5, 0.75, 1.5, 2.5] {
            let resized = try #require(RedCellScale().estimate(field.resized(by: factor)), "\(factor)")
            let ratio = resized.medianDiameter / (original.medianDiameter * factor)
            #expect(abs(ratio - 1) < 0.05, "x\(factor): \(resized.medianDiameter) px against \(original.medianDiameter * factor)")
        }
    }

    /// An image over `maximumPixels` is reduced first; the diameter is scaled back.
    @Test func aLargeImageIsReducedAndScaledBack() throws {
        var scale = RedCellScale()
        scale.maximumPixels = 100_000  // the 640 x 480 field is reduced to about 365 x 274
        let estimate = try #require(scale.estimate(Self.smear(diameter: 40, width: 640, height: 480)))
        #expect(abs(estimate.medianDiameter / 40 - 1) < 0.05, "\(estimate)")
        #expect(abs(estimate.micronsPerPixel * estimate.medianDiameter - 7.5) < 1e-9)
    }

    @Test func noRedCellsNoEstimate() {
        #expect(RedCellScale().estimate(RGBRaster(width: 200, height: 150, fill: (0.93, 0.91, 0.92))) == nil, "glass only")
        var one = RGBRaster(width: 120, height: 120, fill: (0.93, 0.91, 0.92))
        for y in 30..<90 { for x in 30..<90 where (x - 60) * (x - 60) + (y - 60) * (y - 60) < 900 { one.set(x, y, (0.45, 0.3, 0.65)) } }
        #expect(RedCellScale().estimate(one) == nil, "a single cell is not a field of red cells")
    }

    @Test func resizingAveragesWhenShrinkingAndInterpolatesWhenEnlarging() {
        var image = RGBRaster(width: 4, height: 2, fill: (0, 0, 0))
        for y in 0..<2 { image.set(1, y, (1, 1, 1)); image.set(3, y, (1, 0.5, 0)) }
        let half = image.resized(by: 0.5)
        #expect(half.width == 2 && half.height == 1)
        #expect(half[0, 0] == (0.5, 0.5, 0.5) && half[1, 0] == (0.5, 0.25, 0))
        let double = image.resized(by: 2)
        #expect(double.width == 8 && double.height == 4)
        #expect(double[0, 0] == (0, 0, 0) && double[2, 0].0 == 0.75, "a quarter of the way from pixel 0 to pixel 1")
    }

    /// Real smears (skipped without ../shared/datasets): PBC crops and BCCD fields resized
    /// 0.75x to 2.5x give estimates proportional to the factor within 5 %.
    @Test(.enabled(if: SharedDatasets.present, "needs ../shared/datasets"))
    func realSmearsResizedGiveProportionalEstimates() throws {
        let root = SharedDatasets.root!
        let files = [root + "/bccd/JPEGImages/BloodImage_00100.jpg", root + "/bccd/JPEGImages/BloodImage_00200.jpg"]
            + ["neutrophil", "monocyte", "eosinophil"].map { type in
                let folder = root + "/pbc/" + type
                return folder + "/" + ((try? FileManager.default.contentsOfDirectory(atPath: folder).sorted()[7]) ?? "")
            }
        for file in files {
            let image = RGBRaster(image: try ImageReader.read(file))
            let original = try #require(RedCellScale().estimate(image), "\(file)")
            for factor in [0.75, 1.5, 2.5] {
                let resized = try #require(RedCellScale().estimate(image.resized(by: factor)), "\(file) x\(factor)")
                let ratio = resized.medianDiameter / (original.medianDiameter * factor)
                #expect(abs(ratio - 1) < 0.05, "\(file) x\(factor): ratio \(ratio)")
            }
        }
    }
} }
