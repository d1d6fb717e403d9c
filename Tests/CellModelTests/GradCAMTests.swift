import Testing
import NN
import Tensor
import CellModel

@Suite struct GradCAMTests {
    /// Grad-CAM computed in closed form equals the textbook definition: channel weights are
    /// the spatial mean of d(logit_k)/dF, found here by a real backward pass.
    @Test func closedFormMatchesBackpropagatedGradCAM() {
        let configuration = tinyConfiguration()
        let network = SGCLDFFNetwork(configuration, seed: 12)
        network.setTraining(false)
        let crops = syntheticSamples(configuration, count: 2, seed: 13).map(\.crop)
        let input = Tensor(zeros: [2, 4, configuration.cropSize, configuration.cropSize])
        for (i, crop) in crops.enumerated() { for j in 0..<crop.count { input.data[i * crop.count + j] = crop[j] } }
        let outputs = network.forward(input)
        let head = network.classificationHead!
        let k = [1, 3]
        // Backward of sum_i logit[i, k_i] through the head alone gives dL/dF.
        let dLogits = Tensor(zeros: outputs.classLogits!.shape)
        for i in 0..<2 { dLogits.data[i * configuration.classCount + k[i]] = 1 }
        let (dF, _) = head.backward(dLogits)
        let (_, c, h, w) = outputs.fused.nchw
        let maps = GradCAM.maps(fused: outputs.fused, weights: head.fusedWeights(), classes: k, cropSize: h)
        for i in 0..<2 {
            var reference = [Float](repeating: 0, count: h * w)
            for channel in 0..<c {
                var alpha: Float = 0
                for p in 0..<(h * w) { alpha += dF.data[(i * c + channel) * h * w + p] }
                alpha /= Float(h * w)
                for p in 0..<(h * w) { reference[p] += alpha * outputs.fused.data[(i * c + channel) * h * w + p] }
            }
            reference = reference.map { max($0, 0) }
            let top = reference.max()!
            for p in 0..<(h * w) { #expect(abs(maps[i][p] - reference[p] / top) < 1e-4) }
        }
    }

    @Test func consistencyIsTheShareOfMassInsideTheCell() {
        #expect(GradCAM.consistency(map: [1, 1, 2, 0], segmentation: [0, 1, 2, 2]) == 0.75)
        #expect(GradCAM.consistency(map: [0, 0], segmentation: [1, 1]) == 0)
    }

    @Test func predictorReportsGradCAMAndConsistency() {
        let configuration = tinyConfiguration()
        let predictions = CropPredictor(network: SGCLDFFNetwork(configuration, seed: 14))
            .predict(syntheticSamples(configuration, count: 3, seed: 15).map(\.crop))
        for p in predictions {
            #expect(p.gradCAM.count == configuration.cropSize * configuration.cropSize)
            #expect(p.consistency.map { (0...1).contains($0) } == true)
            #expect(abs(p.probabilities.reduce(0, +) - 1) < 1e-5)
        }
    }
}
