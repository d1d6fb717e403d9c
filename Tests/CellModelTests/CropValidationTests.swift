import Testing
import CellModel

/// The trainer's per-epoch crop check: negatives (all-background masks, no class) are scored
/// by how often the network sees no cell, and do not count in the mean accuracy.
@Suite struct CropValidationTests {
    @Test func negativesAreScoredAsEmptyRateAndLeftOutOfTheMeanAccuracy() {
        let configuration = tinyConfiguration()
        let network = SGCLDFFNetwork(configuration, seed: 3)
        network.setTraining(false)
        let labelled = syntheticSamples(configuration, count: 6, seed: 4).map { sample -> TrainingSample in
            var s = sample; s.dataset = "a"; return s
        }
        let negatives = syntheticSamples(configuration, count: 4, seed: 5).map { sample -> TrainingSample in
            TrainingSample(crop: sample.crop, size: sample.size, classIndex: nil,
                           mask: [UInt8](repeating: 0, count: sample.size * sample.size),
                           dataset: "a-negatives", image: sample.image)
        }
        let predictor = CropPredictor(network: network)
        let scores = CropValidation.measure(predictor, samples: labelled + negatives, classNames: (0..<configuration.classCount).map { "class\($0)" })
        let a = scores.datasets["a"]!, n = scores.datasets["a-negatives"]!
        #expect(a.crops == 6 && n.crops == 4)
        #expect(a.emptyRate == nil && a.cellIoU != nil)
        #expect(n.cellIoU == nil, "an all-background mask has no cell to overlap")
        #expect(scores.meanAccuracy == a.accuracy, "the negatives have no classes to be right about")
        // Hand count: a prediction is empty when under 4 % of its pixels are cell.
        let predictions = predictor.predict(negatives.map(\.crop))
        let empty = predictions.filter {
            Double($0.segmentation.filter { $0 > 0 }.count) < 0.04 * Double($0.segmentation.count)
        }.count
        #expect(n.emptyRate == Double(empty) / 4)
        #expect(a.lostCellRate == nil, "every typed crop of 'a' has a complete mask")
    }

    @Test func typedCellsWithoutACompleteMaskAreScoredByHowOftenTheyVanish() {
        let configuration = tinyConfiguration()
        let network = SGCLDFFNetwork(configuration, seed: 3)
        network.setTraining(false)
        let cells = syntheticSamples(configuration, count: 6, seed: 6, withMasks: false).map { sample -> TrainingSample in
            var s = sample; s.dataset = "boxes"; return s
        }
        let predictor = CropPredictor(network: network)
        let score = CropValidation.measure(predictor, samples: cells, classNames: (0..<configuration.classCount).map { "class\($0)" }).datasets["boxes"]!
        let lost = predictor.predict(cells.map(\.crop)).filter {
            Double($0.segmentation.filter { $0 > 0 }.count) < 0.04 * Double($0.segmentation.count)
        }.count
        #expect(score.lostCellRate == Double(lost) / 6)
        #expect(score.emptyRate == nil && score.cellIoU == nil)
    }
}
