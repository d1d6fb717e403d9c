import NN
import Tensor

/// Runs a trained network on crops in inference mode, in batches.
///
/// The network is switched to inference mode (running batch-norm statistics, no dropout).
/// Probabilities are calibrated with `temperature`; `allowedClasses`, when given, restricts
/// the prediction to those class indices (the others get probability 0 and the rest are
/// renormalised), as evaluation does on datasets that only know the five WBC types.
///
/// Test-time augmentation: with `views` > 1 each crop is also run turned and flipped (see
/// `TestTimeViews`); the class logits are averaged over the views before calibration, and
/// the segmentation logits are turned back and averaged before the per-pixel argmax. Grad-CAM
/// comes from the upright view. Each view costs one more forward pass.
package struct CropPredictor {
    package let network: SGCLDFFNetwork
    package let temperature: Double
    package let batchSize: Int
    /// Dihedral views averaged per crop (1, 2, 4 or 8; see `TestTimeViews`).
    package let views: Int

    package init(network: SGCLDFFNetwork, temperature: Double = 1, batchSize: Int = 32, views: Int = 1) {
        self.network = network
        self.temperature = temperature
        self.batchSize = batchSize
        self.views = views
    }

    package func predict(_ crops: [[Float]], allowedClasses: Set<Int>? = nil) -> [CropPrediction] {
        let configuration = network.configuration
        let s = configuration.cropSize, channels = configuration.inputChannels, plane = s * s
        network.setTraining(false)
        network.setInferenceOnly(true)
        defer { network.setInferenceOnly(false) }
        var results: [CropPrediction] = []
        results.reserveCapacity(crops.count)
        var start = 0
        while start < crops.count {
            let chunk = crops[start..<min(start + batchSize, crops.count)]
            let input = Tensor(zeros: [chunk.count, channels, s, s])
            for (i, crop) in chunk.enumerated() {
                precondition(crop.count >= channels * plane, "crop has \(crop.count) values, need \(channels * plane)")
                crop.withUnsafeBufferPointer { (input.data + i * channels * plane).update(from: $0.baseAddress!, count: channels * plane) }
            }
            let outputs = network.forward(input)
            let averaged = averagedOverViews(chunk, upright: outputs)
            var chunkResults: [CropPrediction] = []
            for i in 0..<chunk.count {
                var logits: [Float] = [], probabilities: [Float] = [], labels: [UInt8] = []
                if let classLogits = averaged.classLogits {
                    let k = classLogits.count / chunk.count
                    logits = Array(classLogits[(i * k)..<((i + 1) * k)])
                    probabilities = Self.restricted(TemperatureScaling.probabilities(logits: logits, temperature: temperature),
                                                    to: allowedClasses)
                }
                if let seg = averaged.segmentationLogits {
                    labels = [UInt8](repeating: 0, count: plane)
                    let base = i * 3 * plane
                    for p in 0..<plane {
                        let (b, c, n) = (seg[base + p], seg[base + plane + p], seg[base + 2 * plane + p])
                        labels[p] = n > c && n > b ? 2 : (c > b ? 1 : 0)
                    }
                }
                let agreement = averaged.viewLogits.isEmpty ? nil : TestTimeViews.agreement(averaged.viewLogits.map { view in
                    let k = view.count / chunk.count
                    return Self.restricted(TemperatureScaling.probabilities(logits: Array(view[(i * k)..<((i + 1) * k)]),
                                                                            temperature: temperature), to: allowedClasses)
                })
                chunkResults.append(CropPrediction(logits: logits, probabilities: probabilities, segmentation: labels,
                                                   gradCAM: [], consistency: nil, viewAgreement: agreement))
            }
            if let head = network.classificationHead, outputs.segmentationLogits != nil {
                let maps = GradCAM.maps(fused: outputs.fused, weights: head.fusedWeights(),
                                        classes: chunkResults.map(\.predictedClass),
                                        probabilities: chunkResults.map(\.probabilities), cropSize: s)
                chunkResults = zip(chunkResults, maps).map { prediction, map in
                    CropPrediction(logits: prediction.logits, probabilities: prediction.probabilities,
                                   segmentation: prediction.segmentation, gradCAM: map,
                                   consistency: GradCAM.consistency(map: map, segmentation: prediction.segmentation),
                                   nucleusEvidence: GradCAM.nucleusEvidence(map: map, segmentation: prediction.segmentation),
                                   viewAgreement: prediction.viewAgreement)
                }
            }
            results += chunkResults
            start += chunk.count
        }
        return results
    }

    /// `probabilities` with the classes outside `allowed` set to 0 and the rest renormalised.
    static func restricted(_ probabilities: [Float], to allowed: Set<Int>?) -> [Float] {
        guard let allowed else { return probabilities }
        var p = probabilities
        for c in p.indices where !allowed.contains(c) { p[c] = 0 }
        let sum = p.reduce(0, +)
        return sum > 0 ? p.map { $0 / sum } : p
    }

    /// The class and segmentation logits of `chunk`, averaged over the views (the upright
    /// view's `outputs` plus one forward pass per further view, its segmentation turned back),
    /// and each view's own class logits (empty with one view).
    private func averagedOverViews(_ chunk: ArraySlice<[Float]>, upright outputs: SGCLDFFNetwork.Outputs)
        -> (classLogits: [Float]?, segmentationLogits: [Float]?, viewLogits: [[Float]]) {
        let configuration = network.configuration
        let s = configuration.cropSize, channels = configuration.inputChannels, plane = s * s
        var classLogits = outputs.classLogits.map { Array(UnsafeBufferPointer(start: $0.data, count: $0.count)) }
        var segmentation = outputs.segmentationLogits.map { Array(UnsafeBufferPointer(start: $0.data, count: $0.count)) }
        let transforms = TestTimeViews.transforms(views)
        guard transforms.count > 1 else { return (classLogits, segmentation, []) }
        var viewLogits: [[Float]] = classLogits.map { [$0] } ?? []
        for transform in transforms.dropFirst() {
            let input = Tensor(zeros: [chunk.count, channels, s, s])
            for (i, crop) in chunk.enumerated() {
                let turned = CropAugmentation.dihedral(Array(crop.prefix(channels * plane)), size: s, channels: channels,
                                                       transform: transform)
                turned.withUnsafeBufferPointer { (input.data + i * channels * plane).update(from: $0.baseAddress!, count: channels * plane) }
            }
            let view = network.forward(input)
            if let logits = view.classLogits, classLogits != nil {
                for j in 0..<logits.count { classLogits![j] += logits.data[j] }
                viewLogits.append(Array(UnsafeBufferPointer(start: logits.data, count: logits.count)))
            }
            if let seg = view.segmentationLogits, segmentation != nil {
                let back = TestTimeViews.inverse(transform)
                for i in 0..<chunk.count {
                    let one = Array(UnsafeBufferPointer(start: seg.data + i * 3 * plane, count: 3 * plane))
                    let upright = CropAugmentation.dihedral(one, size: s, channels: 3, transform: back)
                    for j in 0..<(3 * plane) { segmentation![i * 3 * plane + j] += upright[j] }
                }
            }
        }
        let scale = 1 / Float(transforms.count)
        return (classLogits?.map { $0 * scale }, segmentation?.map { $0 * scale }, viewLogits)
    }
}
