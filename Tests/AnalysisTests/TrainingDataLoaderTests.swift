import Foundation
import Testing
@testable import Analysis
import CellModel

@Suite(.enabled(if: SharedDatasets.present, "../shared/datasets is absent: training loader tests skipped"))
struct TrainingDataLoaderTests {
    @Test func singleCellWithMaskGivesCropClassAndMask() throws {
        let d = try Dataset.load(directory: SharedDatasets.root! + "/zxaoyou_wbc_dataset1")
        let loader = TrainingDataLoader()
        for r in d.records.prefix(3) {
            let out = try loader.load(r)
            #expect(out.samples.count == 1 && out.unmatched == 0)
            let s = try #require(out.samples.first)
            #expect(s.cellClass == r.label.cellClass && s.crop.data.count == 4 * 128 * 128)
            let mask = try #require(s.mask)
            #expect(Set(mask).isSubset(of: [0, 1, 2]))
            // The cell fills a share of the crop set by the side/diameter constant (~1/1.75^2 * pi/4).
            let cell = Double(mask.filter { $0 > 0 }.count) / Double(128 * 128)
            #expect(cell > 0.12 && cell < 0.6, "\(r.image): cell share \(cell)")
            #expect(mask[64 * 128 + 64] > 0)
        }
    }

    @Test func bccdGivesOneSamplePerMatchedBoxAndPBCOnePerImage() throws {
        let bccd = try Dataset.load(directory: SharedDatasets.root! + "/bccd")
        let r = try #require(bccd.records.first { $0.image.hasSuffix("BloodImage_00000.jpg") })
        let out = try TrainingDataLoader().load(r)
        #expect(out.samples.count + out.unmatched == r.wbcBoxes.count)
        #expect(out.samples.count == 1 && out.samples[0].cellClass == .neutrophil && out.samples[0].mask == nil)
        let pbc = try Dataset.load(directory: SharedDatasets.root! + "/pbc")
        let p = try TrainingDataLoader().load(pbc.records[0])
        #expect(p.samples.count == 1 && p.samples[0].cellClass == .basophil)
    }
}
