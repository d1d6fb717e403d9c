import TestSupport
import Foundation
import Testing
import CellModel
import ImageIO

/// Decodes every image and mask listed in every `index.csv` under ../shared/datasets and
/// checks the decoded size against the file header, the documented sizes, and each mask
/// against its image (same size, only the labels 0, 128, 255).
@Suite(.enabled(if: SharedDatasets.present, "../shared/datasets is absent: decoding every dataset image skipped"))
struct DatasetDecodeTests {
    @Test func everyListedImageAndMaskDecodes() throws {
        let datasets = try Dataset.loadAll(root: SharedDatasets.root!)
        #expect(datasets.count >= 3)
        var decoded = 0, masks = 0
        for d in datasets {
            for r in d.records {
                let header = try ImageReader.info(r.imagePath)
                let image = try ImageReader.read(r.imagePath)
                decoded += 1
                #expect(image.width == header.width && image.height == header.height, "\(r.imagePath)")
                #expect(image.channels >= 3 && image.bitDepth == 8, "\(r.imagePath): \(image.channels) channels")
                switch d.name {
                case "bccd": #expect(image.width == 640 && image.height == 480, "\(r.imagePath)")
                case "pbc": #expect([360, 366].contains(image.width) && [360, 363, 369].contains(image.height), "\(r.imagePath)")
                case "zxaoyou_wbc_dataset1": #expect((88...120).contains(image.width) && (88...120).contains(image.height), "\(r.imagePath)")
                default: #expect(image.width > 0 && image.height > 0)
                }
                if let m = r.maskPath {
                    let mask = try ImageReader.read(m)
                    masks += 1
                    #expect(mask.width == image.width && mask.height == image.height, "\(m) vs its image")
                    let c = mask.channels
                    let values = Set(stride(from: 0, to: mask.samples8.count, by: c).map { mask.samples8[$0] })
                    #expect(values.isSubset(of: [0, 128, 255]) && values.contains(255), "\(m): labels \(values.sorted())")
                }
            }
        }
        #expect(decoded == datasets.reduce(0) { $0 + $1.records.count })
        #expect(masks == 242)
    }
}
