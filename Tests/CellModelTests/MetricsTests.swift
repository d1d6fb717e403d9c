import Foundation
import Testing
import CellModel

@Suite struct MetricsTests {
    /// A hand-worked 3-class example:
    /// true A: A A A B ; true B: B B C ; true C: C A  (9 samples, 6 right)
    @Test func confusionMatrixMetricsMatchHandComputation() {
        var m = ConfusionMatrix(classes: ["A", "B", "C"])
        for (t, p) in [(0, 0), (0, 0), (0, 0), (0, 1), (1, 1), (1, 1), (1, 2), (2, 2), (2, 0)] {
            m.add(trueClass: t, predicted: p)
        }
        #expect(m.counts == [[3, 1, 0], [0, 2, 1], [1, 0, 1]])
        #expect(abs(m.accuracy - 6.0 / 9.0) < 1e-12)
        // A: precision 3/4, recall 3/4; B: 2/3, 2/3; C: 1/2, 1/2.
        #expect(abs(m.precision(0) - 0.75) < 1e-12 && abs(m.recall(0) - 0.75) < 1e-12)
        #expect(abs(m.f1(1) - 2.0 / 3.0) < 1e-12)
        #expect(abs(m.f1(2) - 0.5) < 1e-12)
        #expect(abs(m.macroF1 - (0.75 + 2.0 / 3.0 + 0.5) / 3) < 1e-12)
        #expect(m.support(0) == 4 && m.predictedCount(0) == 4)
    }

    @Test func macroF1IgnoresClassesAbsentFromTheData() {
        var m = ConfusionMatrix(classes: ["A", "B", "C"])
        m.add(trueClass: 0, predicted: 0)
        m.add(trueClass: 1, predicted: 1)
        #expect(m.macroF1 == 1)
    }

    @Test func expectedCalibrationErrorMatchesHandComputation() {
        var ece = CalibrationError(binCount: 10)
        // Bin [0.9, 1.0]: confidences 0.95, 0.95, accuracy 1/2 -> gap 0.45, weight 2/4.
        ece.add(confidence: 0.95, isCorrect: true)
        ece.add(confidence: 0.95, isCorrect: false)
        // Bin [0.6, 0.7): confidences 0.65, 0.65, accuracy 1 -> gap 0.35, weight 2/4.
        ece.add(confidence: 0.65, isCorrect: true)
        ece.add(confidence: 0.65, isCorrect: true)
        #expect(abs(ece.value - (0.5 * 0.45 + 0.5 * 0.35)) < 1e-12)
        var perfect = CalibrationError()
        perfect.add(confidence: 1.0, isCorrect: true)
        #expect(perfect.value == 0)
    }

    @Test func maskOverlapCountsCellNucleusAndCytoplasm() {
        // truth:     0 1 1 2 2 0 ; predicted: 0 0 1 2 1 1
        let truth: [UInt8] = [0, 1, 1, 2, 2, 0], predicted: [UInt8] = [0, 0, 1, 2, 1, 1]
        let cell = MaskOverlap(predicted: predicted, truth: truth, isInRegion: MaskRegion.cell.contains)
        #expect(cell.intersection == 3 && cell.union == 5)           // cells: {1,2,3,4} vs {2,3,4,5}
        #expect(abs(cell.dice - 6.0 / 8.0) < 1e-12)
        let nucleus = MaskOverlap(predicted: predicted, truth: truth, isInRegion: MaskRegion.nucleus.contains)
        #expect(abs(nucleus.iou - 0.5) < 1e-12)                       // {3,4} vs {3}
        let cytoplasm = MaskOverlap(predicted: predicted, truth: truth, isInRegion: MaskRegion.cytoplasm.contains)
        #expect(abs(cytoplasm.iou - 1.0 / 4.0) < 1e-12)               // {1,2} vs {2,4,5}
        let empty = MaskOverlap(predicted: [0, 0], truth: [0, 0], isInRegion: MaskRegion.cell.contains)
        #expect(empty.iou == 1 && empty.dice == 1)
    }

    @Test func temperatureScalingRecoversAnOverconfidentModel() {
        // Labels drawn from softmax(z) for fixed logit rows z; the model reports 3 z, so the
        // fitted temperature must come out near 3.
        var state: UInt64 = 12345
        func next() -> Double { state = state &* 6364136223846793005 &+ 1442695040888963407; return Double(state >> 11) * 0x1p-53 }
        var logits: [[Float]] = [], labels: [Int] = []
        for _ in 0..<4000 {
            let z = (0..<4).map { _ in Float(next() * 4 - 2) }
            let p = TemperatureScaling.probabilities(logits: z, temperature: 1)
            var u = Float(next()), label = 3
            for k in 0..<4 { u -= p[k]; if u < 0 { label = k; break } }
            logits.append(z.map { $0 * 3 })
            labels.append(label)
        }
        let t = TemperatureScaling.fit(logits: logits, labels: labels)
        #expect(abs(t - 3) < 0.3, "fitted T = \(t)")
        let before = TemperatureScaling.negativeLogLikelihood(logits: logits, labels: labels, temperature: 1)
        let after = TemperatureScaling.negativeLogLikelihood(logits: logits, labels: labels, temperature: t)
        #expect(after < before)
    }
}
