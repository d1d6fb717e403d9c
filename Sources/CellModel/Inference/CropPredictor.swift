import NN
import Tensor

/// Runs a trained network on crops in inference mode, in batches.
///
/// The network is switched to inference mode (running batch-norm statistics, no dropout).
/// Probabilities are calibrated with `temperature`; `allowedClasses`, when given, restricts
/// the prediction to those class indices (the others get probability 0 and the rest are
/// renormalised), as evaluation does on datasets that only know the five WBC types.
package struct CropPredictor {
    package let network: SGCLDFFNetwork
    package let temperature: Double
    package let batchSize: Int

    package init(network: SGCLDFFNetwork, temperature: Double = 1, batchSize: Int = 32) {
        self.network = network
        self.temperature = temperature
        self.batchSize = batchSize
    }

    package func predict(_ crops: [[Float]], allowedClasses: Set<Int>? = nil) -> [CropPrediction] {
        let configuration = network.configuration
        let s = configuration.cropSize, channels = configuration.inputChannels, plane = s * s
        network.setTraining(false)
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
            var chunkResults: [CropPrediction] = []
            for i in 0..<chunk.count {
                var logits: [Float] = [], probabilities: [Float] = [], labels: [UInt8] = []
                if let classLogits = outputs.classLogits {
                    let k = classLogits.shape[1]
                    logits = Array(UnsafeBufferPointer(start: classLogits.data + i * k, count: k))
                    probabilities = TemperatureScaling.probabilities(logits: logits, temperature: temperature)
                    if let allowedClasses {
                        for c in 0..<k where !allowedClasses.contains(c) { probabilities[c] = 0 }
                        let sum = probabilities.reduce(0, +)
                        if sum > 0 { probabilities = probabilities.map { $0 / sum } }
                    }
                }
                if let seg = outputs.segmentationLogits {
                    labels = [UInt8](repeating: 0, count: plane)
                    let base = seg.data + i * 3 * plane
                    for p in 0..<plane {
                        let (b, c, n) = (base[p], base[plane + p], base[2 * plane + p])
                        labels[p] = n > c && n > b ? 2 : (c > b ? 1 : 0)
                    }
                }
                chunkResults.append(CropPrediction(logits: logits, probabilities: probabilities, segmentation: labels,
                                                   gradCAM: [], consistency: nil))
            }
            if let head = network.classificationHead, outputs.segmentationLogits != nil {
                let maps = GradCAM.maps(fused: outputs.fused, weights: head.fusedWeights(),
                                        classes: chunkResults.map(\.predictedClass), cropSize: s)
                chunkResults = zip(chunkResults, maps).map { prediction, map in
                    CropPrediction(logits: prediction.logits, probabilities: prediction.probabilities,
                                   segmentation: prediction.segmentation, gradCAM: map,
                                   consistency: GradCAM.consistency(map: map, segmentation: prediction.segmentation))
                }
            }
            results += chunkResults
            start += chunk.count
        }
        return results
    }
}
