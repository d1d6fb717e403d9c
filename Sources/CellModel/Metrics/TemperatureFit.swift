/// Fits the calibration temperature of a network on labelled validation crops, for the
/// logits a `CropPredictor` with a given number of test-time views produces (averaging views
/// makes logits less extreme, so each view count needs its own temperature).
package enum TemperatureFit {
    /// The temperature minimising the negative log-likelihood of `samples`' labels (samples
    /// without a class are ignored; 1 when none has one).
    package static func fit(_ network: SGCLDFFNetwork, samples: [TrainingSample], views: Int) -> Double {
        let labelled = samples.filter { $0.classIndex != nil }
        guard !labelled.isEmpty else { return 1 }
        let predictions = CropPredictor(network: network, views: views).predict(labelled.map(\.crop))
        return TemperatureScaling.fit(logits: predictions.map(\.logits), labels: labelled.map { $0.classIndex! })
    }
}
