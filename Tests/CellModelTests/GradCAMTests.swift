import Testing
import NN
import Tensor
import CellModel

@Suite struct GradCAMTests {
    /// Grad-CAM computed in closed form equals the textbook definition: channel weights are
    /// the spatial mean of d(logit_k)/dF, found here by a real backward pass.
    @Test func closedFormMatchesBackpropagatedGradCAM() {
        let (head, outputs) = Self.forwardTwoSyntheticCrops()
        let k = [1, 3]
        // Backward of sum_i logit[i, k_i] through the head alone gives dL/dF.
        let dLogits = Tensor(zeros: outputs.classLogits!.shape)
        let classCount = outputs.classLogits!.shape[1]
        for i in 0..<2 { dLogits.data[i * classCount + k[i]] = 1 }
        let (dF, _) = head.backward(dLogits)
        let h = outputs.fused.shape[2]
        let maps = GradCAM.maps(fused: outputs.fused, weights: head.fusedWeights(), classes: k, cropSize: h)
        for i in 0..<2 {
            let reference = Self.textbookMap(dFused: dF, fused: outputs.fused, sample: i)
            for p in reference.indices { #expect(abs(maps[i][p] - reference[p]) < 1e-4) }
        }
    }

    /// With probabilities the map is Grad-CAM of the log-probability: channel weights are the
    /// spatial mean of d(log p_k)/dF, by a real backward pass of `onehot(k) - p` through the head.
    @Test func logProbabilityTargetMatchesBackpropagatedGradCAM() {
        let (head, outputs) = Self.forwardTwoSyntheticCrops()
        let classCount = outputs.classLogits!.shape[1]
        let k = [1, 3]
        var probabilities: [[Float]] = []
        let dLogits = Tensor(zeros: outputs.classLogits!.shape)
        for i in 0..<2 {
            let logits = (0..<classCount).map { outputs.classLogits!.data[i * classCount + $0] }
            let p = TemperatureScaling.probabilities(logits: logits, temperature: 1)
            probabilities.append(p)
            for j in 0..<classCount { dLogits.data[i * classCount + j] = (j == k[i] ? 1 : 0) - p[j] }
        }
        let (dF, _) = head.backward(dLogits)
        let h = outputs.fused.shape[2]
        let maps = GradCAM.maps(fused: outputs.fused, weights: head.fusedWeights(), classes: k,
                                probabilities: probabilities, cropSize: h)
        for i in 0..<2 {
            let reference = Self.textbookMap(dFused: dF, fused: outputs.fused, sample: i)
            #expect(reference.max()! > 0)
            for p in reference.indices { #expect(abs(maps[i][p] - reference[p]) < 1e-3) }
        }
    }

    /// An untrained tiny network's head and outputs on two synthetic crops (inference mode).
    private static func forwardTwoSyntheticCrops() -> (ClassificationHead, SGCLDFFNetwork.Outputs) {
        let configuration = tinyConfiguration()
        let network = SGCLDFFNetwork(configuration, seed: 12)
        network.setTraining(false)
        let crops = syntheticSamples(configuration, count: 2, seed: 13).map(\.crop)
        let input = Tensor(zeros: [2, 4, configuration.cropSize, configuration.cropSize])
        for (i, crop) in crops.enumerated() { for j in 0..<crop.count { input.data[i * crop.count + j] = crop[j] } }
        return (network.classificationHead!, network.forward(input))
    }

    /// Grad-CAM by its definition from a backpropagated dL/dF: channel weights are the
    /// gradient's spatial sum, the map their sum over F's channels, its positive part scaled
    /// to a maximum of 1 (all zero if it has none).
    private static func textbookMap(dFused dF: Tensor, fused: Tensor, sample i: Int) -> [Float] {
        let (_, c, h, w) = fused.nchw
        var map = [Float](repeating: 0, count: h * w)
        for channel in 0..<c {
            var alpha: Float = 0
            for p in 0..<(h * w) { alpha += dF.data[(i * c + channel) * h * w + p] }
            for p in 0..<(h * w) { map[p] += alpha * fused.data[(i * c + channel) * h * w + p] }
        }
        map = map.map { max($0, 0) }
        let top = map.max()!
        return top > 0 ? map.map { $0 / top } : map
    }

    /// Where the logit's map is empty (the class's fused evidence is negative everywhere, yet
    /// it beats a class whose is more negative), the log-probability's map shows that evidence;
    /// a probability that rounds to 1 keeps the direction.
    @Test func logProbabilityMapIsNotEmptyWhereTheLogitsIs() {
        let fused = Tensor(shape: [1, 2, 1, 2], values: [1, 0, 0, 1])  // channel 0 on pixel 0, channel 1 on pixel 1
        let weights = Tensor(shape: [2, 2], values: [-1, -3, -2, -1])   // class 0: [-1, -3], class 1: [-2, -1]
        let logitMap = GradCAM.maps(fused: fused, weights: weights, classes: [0], cropSize: 2)[0]
        #expect(logitMap.allSatisfy { $0 == 0 })
        for p: [Float] in [[0.7, 0.3], [1, 1e-30]] {
            let map = GradCAM.maps(fused: fused, weights: weights, classes: [0], probabilities: [p], cropSize: 2)[0]
            // alpha = W0 - W1 = [1, -2]: positive on pixel 0 (left column) only.
            #expect(map[0] == 1 && map[2] == 1 && map[1] < 1 && map[3] < 1, "\(map)")
        }
        let certain = GradCAM.maps(fused: fused, weights: weights, classes: [0], probabilities: [[1, 0]], cropSize: 2)[0]
        #expect(certain == logitMap)
    }

    @Test func consistencyIsTheShareOfMassInsideTheCell() {
        #expect(GradCAM.consistency(map: [1, 1, 2, 0], segmentation: [0, 1, 2, 2]) == 0.75)
        #expect(GradCAM.consistency(map: [0, 0], segmentation: [1, 1]) == 0)
    }

    @Test func nucleusEvidenceIsTheShareOfMassOnTheNucleus() {
        #expect(GradCAM.nucleusEvidence(map: [1, 1, 2, 0], segmentation: [0, 1, 2, 2]) == 0.5)
        #expect(GradCAM.nucleusEvidence(map: [0, 0], segmentation: [2, 2]) == 0)
    }

    @Test func predictorReportsGradCAMAndConsistency() {
        let configuration = tinyConfiguration()
        let predictions = CropPredictor(network: SGCLDFFNetwork(configuration, seed: 14))
            .predict(syntheticSamples(configuration, count: 3, seed: 15).map(\.crop))
        for p in predictions {
            #expect(p.gradCAM.count == configuration.cropSize * configuration.cropSize)
            #expect(p.consistency.map { (0...1).contains($0) } == true)
            #expect(p.nucleusEvidence.map { $0 <= p.consistency! + 1e-6 } == true, "the nucleus is part of the cell")
            #expect(p.viewAgreement == nil, "one view: nothing to agree with")
            #expect(abs(p.probabilities.reduce(0, +) - 1) < 1e-5)
        }
        let twoViews = CropPredictor(network: SGCLDFFNetwork(configuration, seed: 14), views: 2)
            .predict(syntheticSamples(configuration, count: 3, seed: 15).map(\.crop))
        #expect(twoViews.allSatisfy { $0.viewAgreement.map { (0...1.0001).contains($0) } == true })
    }
}
