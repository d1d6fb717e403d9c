import Testing
@testable import CellModel

@Suite struct CropPredictionTests {
    private func prediction(_ probabilities: [Float]) -> CropPrediction {
        CropPrediction(logits: [], probabilities: probabilities, segmentation: [], gradCAM: [], consistency: nil)
    }

    @Test func marginIsTheLeadOverTheRunnerUp() {
        let p = prediction([0.1, 0.6, 0.05, 0.25])
        #expect(p.predictedClass == 1)
        #expect(abs(p.margin - 0.35) < 1e-6)
        // Two classes tied: no lead.
        #expect(prediction([0.4, 0.4, 0.2]).margin == 0)
        // One class: the lead is the probability itself; no head: 0.
        #expect(prediction([1]).margin == 1)
        #expect(prediction([]).margin == 0)
    }
}
